"""The solvers room: exact subset-sum coverage, fast and slow.

- :mod:`.subset_sum`: the public solvers (`covers`, `subset_sum_error`, `find_subset`,
  `product_terms`, `FreezeState`): they validate, allocate and call the numba kernels;
- :mod:`._kernels`: the whole jitted call graph in one file (on-disk caches go stale across
  files); it draws no random numbers;
- :mod:`.reference`: the slow, obviously correct twins (interval lists and brute force over
  subsets) that the property tests hold the kernels against.

May import: :mod:`slt_theory.errors`, :mod:`slt_theory._validate`, numpy, numba.
"""

from .subset_sum import (
    MAX_INTERVALS,
    FreezeState,
    covers,
    find_subset,
    product_terms,
    subset_sum_error,
)

__all__ = ["MAX_INTERVALS", "FreezeState", "covers", "find_subset", "product_terms",
           "subset_sum_error"]
