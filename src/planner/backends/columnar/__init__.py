"""The columnar backend (polars): facts and spec rules compiled to vectorised expressions.

A batch of validated households is flattened into tables (:mod:`.tables`), the declared facts
are compiled to polars expressions (:mod:`.facts`, :mod:`.helpers`) and household- and
member-scope spec conditions to boolean columns (:mod:`.conditions`); the checker
(:mod:`.checker`) runs the rules it compiled column-wise and every other rule through the Python
backend, with the Python backend's findings. Needs the ``columnar`` extra (polars).
"""
