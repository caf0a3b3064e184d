"""Benchmarks (not tests): each prints its figures beside its baselines, then one JSON line."""
