"""durable-rules backend (``planner[durable]``): spec rules compiled to durable-rules rulesets.

Only :mod:`planner.backends.durable.adapter` imports durable-rules; importing this package needs
it (and Python 3.12 or earlier).
"""

from planner.backends.durable.checker import DurableChecker, DurableEvaluator

__all__ = ["DurableChecker", "DurableEvaluator"]
