"""The per-household Python backend: facts, conditions and rules evaluated as Python closures."""
