"""Benchmarks of caseworker-bot; results go to docs/benchmarks.md.

Run ``python -m bench.search`` (``--quick`` for a smoke run of a few seconds).
"""
