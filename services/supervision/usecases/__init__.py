"""The supervision use cases, one module per sub-domain: each takes a typed command (or the
caller and what they ask for) and returns the aggregate or a typed result."""
