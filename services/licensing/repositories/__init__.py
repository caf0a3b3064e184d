"""Loading and saving licensing's aggregates on a unit of work's connection (rows and
dataclasses meet by name: `chassis.rows`)."""
