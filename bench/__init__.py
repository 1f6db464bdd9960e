"""Benchmarks and quality evaluations (apart from the unit tests)."""
