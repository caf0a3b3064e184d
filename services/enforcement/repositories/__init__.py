"""Loading and saving enforcement's aggregates on a unit of work's connection."""
