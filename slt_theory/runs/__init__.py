"""The runs room: how long work is run and kept, for both packages.

- :mod:`.executor`: one interface over serial, local-process and Dask execution;
- :mod:`.executor`'s local workers exit when the process that started them dies;
- :mod:`.runstore`: idempotent, resumable sweeps keyed by a hash of their parameters, with
  checksummed records (a damaged one is set aside and recomputed);
- :mod:`.provenance`: the version and frozen-slt commit behind a result, and atomic writes that
  honour the umask.

May import: :mod:`slt_theory.errors`, :mod:`slt_theory._validate`, :mod:`slt_theory._version`
and the standard library (dask and tqdm lazily). Nothing here knows about bounds, solvers or
networks.
"""
