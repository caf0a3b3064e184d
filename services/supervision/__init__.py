"""The supervision service: Supervision: grids, households, claims and inspections."""
