"""Writes. Every state change goes through one of these functions."""
