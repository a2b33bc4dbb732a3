"""The fuzz tests import their harness by module name (no packages under tests/), and report
how many calls each entry got and how they ended."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def pytest_terminal_summary(terminalreporter):
    from fuzz_harness import TALLY

    if not TALLY:
        return
    terminalreporter.section("fuzz outcomes (calls per entry)")
    total = sum(sum(c.values()) for c in TALLY.values())
    for name in sorted(TALLY):
        counts = ", ".join(f"{k} {v}" for k, v in TALLY[name].most_common())
        terminalreporter.write_line(f"{name}: {sum(TALLY[name].values())} calls ({counts})")
    outcomes = {}
    for c in TALLY.values():
        for k, v in c.items():
            outcomes[k] = outcomes.get(k, 0) + v
    terminalreporter.write_line(
        f"total: {total} calls over {len(TALLY)} entries; "
        + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items(), key=lambda kv: -kv[1])))
