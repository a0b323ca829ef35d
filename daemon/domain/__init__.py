"""The domain: plain data (events, interviews, people), the ports, settings and error types.

It imports nothing from the rest of the core; every other layer builds on it.
"""
