"""health rules: being written (see the rule catalog issue)."""

RULES: tuple = ()
