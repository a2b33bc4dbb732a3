"""The runs room: how long work is run and kept, for both packages.

- :mod:`.executor`: one interface over serial, local-process and Dask execution;
- :mod:`.runstore`: idempotent, resumable sweeps keyed by a hash of their parameters;
- :mod:`.provenance`: the git commit behind a result, and atomic writes.

May import: :mod:`slt_theory.errors`, :mod:`slt_theory._validate`, :mod:`slt_theory._version`
and the standard library (dask and tqdm lazily). Nothing here knows about bounds, solvers or
networks.
"""
