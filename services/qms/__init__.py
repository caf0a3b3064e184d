"""The qms service: Quality management: audit trail, objectives, nonconformities."""
