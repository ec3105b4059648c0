"""Runnable measurements of copydesk, and the harness the tests share with them.

Each script prints figures as ratios against a baseline measured in the same run; run one as
`python benchmarks/NAME.py --help` (or `python -m benchmarks.NAME`). Nothing in `copydesk`
imports this package (an import-linter contract in pyproject.toml keeps it so).
"""
