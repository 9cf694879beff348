"""Benchmarks of shadow-tui against the tools people already use; `python benchmarks/run.py`."""
