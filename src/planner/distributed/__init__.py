"""Check and plan a partitioned dataset on a ``dask.distributed`` cluster (``planner[dask]``).

``planner check DATASET --scheduler local|local:N|tcp://ADDRESS --output OUT_DIR`` checks each
household file of the dataset (each Parquet part of a ``households/`` folder) in one task,
merges the dataset rules' states of the parts into the dataset findings and writes the results
per part (:mod:`planner.distributed.check`); ``planner plan`` plans each part's households in
one task and allocates the district budget in the client (:mod:`planner.distributed.plan`).
dask is imported only when a cluster is started (:mod:`planner.distributed.cluster`).
"""

from planner.distributed.cluster import ClusterError, connect, require_dask
from planner.distributed.recipe import ReadingOptions, RecipeError, RunRecipe

__all__ = ["ClusterError", "ReadingOptions", "RecipeError", "RunRecipe", "connect",
           "require_dask"]
