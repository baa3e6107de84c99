"""Assistance plans (temporary during development)."""
