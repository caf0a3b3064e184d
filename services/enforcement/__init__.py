"""The enforcement service: Enforcement: case sources, legal time limits, penalties."""
