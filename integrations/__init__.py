"""Adapters, one per backend, each implementing a port defined in ``daemon.domain.ports``."""
