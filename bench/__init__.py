"""Benchmarks of MedLit: retrieval and answer quality, speed, and index scale.

Run ``python -m bench --help``; ``bench/README.md`` explains each command and metric.
"""
