"""Test collection: without torch, the `empirical` package (and its doctests) is skipped, so the
slt_theory suite still runs on a torch-free install."""

import importlib.util

collect_ignore_glob = []
if importlib.util.find_spec("torch") is None:
    collect_ignore_glob += ["empirical/*", "tests/empirical/*"]
# command-line modules are exercised through their own tests, not collected as doctests
collect_ignore_glob += ["slt_theory/*/cli_*.py", "empirical/cli*.py"]

# Hypothesis: the default run draws the same examples every time (a test that passes in CI passes
# on every rerun, and a failure is reproducible by anyone); `--hypothesis-profile=explore` draws
# fresh examples to look for new failures.
from hypothesis import settings  # noqa: E402

settings.register_profile("default-tier", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("default-tier")
