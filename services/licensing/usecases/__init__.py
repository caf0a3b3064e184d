"""Licensing's use cases, one module per sub-domain: applications, joint licensing, licences,
mobile licensing, webhooks. Each takes a typed command and returns a typed result."""
