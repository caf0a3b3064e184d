"""The complaints service: Complaints: the 12315 network."""
