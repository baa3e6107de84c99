"""The per-household Python backend."""
