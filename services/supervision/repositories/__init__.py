"""Loading and saving the supervision aggregates on a unit of work's connection."""
