"""Offline replay of re-check policies: copydesk's and the baselines it is measured against.

Not part of the product: `benchmarks/schedule.py` and the tests use it to score copydesk's
`copydesk.schedule` policy on recorded headline chains against other trackers' rules
(`policies`), re-implemented here.
"""
