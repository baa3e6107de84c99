"""Built-in rule families. Each module exposes ``RULES = (...)`` and is an entry point of the
``planner.rules`` group, exactly like a third-party pack; the core never imports this package."""
