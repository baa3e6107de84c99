"""Backends that evaluate the declared facts and rules: each compiles what it runs, lazily."""
