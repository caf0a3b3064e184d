"""Loading and saving licensing's aggregates on a unit of work's connection."""
