"""Benchmarks run by hand (`python -m bench ...`); they print tables, never assert."""
