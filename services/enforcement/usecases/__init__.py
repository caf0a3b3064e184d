"""Enforcement's use cases, one module per sub-domain: intake, filing, cases, on-the-spot,
deadlines, reports. Each takes a typed command and returns a typed result."""
