"""`slt reproduce` from a non-editable install draws every figure its report links.

The package is built into a wheel from a copy of the source, installed with torch==2.13.0 into
a fresh virtual environment, and run from a folder outside the source tree, so a figure module
that only exists in the checkout (the old paper_figures/report_*.py) would show up as a missing
figure. To stay offline and fast, the fresh environment reaches the other dependencies (numpy,
numba, matplotlib, ...) through a ``.pth`` line naming this interpreter's site-packages: a plain
path line adds the folder to sys.path but runs none of its ``.pth`` files, so an editable
install of frozen-slt there stays invisible (checked below through ``empirical.__file__``).
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import sysconfig
import venv

import pytest

pytest.importorskip("torch")

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)
    assert result.returncode == 0, f"{cmd} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result


@pytest.mark.slow
def test_installed_package_draws_every_figure(tmp_path):
    # a copy of the tracked source (no build folders, no results), built into a wheel
    src = tmp_path / "src"
    files = _run(["git", "-C", str(ROOT), "ls-files", "--cached", "--others",
                  "--exclude-standard"]).stdout.split()
    for name in files:
        if name.startswith(("slt_theory/", "empirical/")) or name in ("pyproject.toml",
                                                                        "README.md"):
            if (ROOT / name).is_file():
                (src / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "-w", str(tmp_path / "dist"), str(src)])
    wheel = next((tmp_path / "dist").glob("frozen_slt-*.whl"))

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = pathlib.Path(_run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "torch==2.13.0",
          str(wheel)])

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    where = _run([str(python), "-c", "import empirical, torch; print(empirical.__file__); "
                  "print(torch.__version__)"], cwd=work, env=env).stdout.split()
    assert where[0].startswith(str(site)) and where[1].startswith("2.13.0"), where
    _run([str(env_dir / "bin" / "slt"), "reproduce", "--scale", "smoke", "--out", "report",
          "--workers", "1", "--no-progress"], cwd=work, env=env)
    report = (work / "report" / "README.md").read_text()
    linked = re.findall(r"!\[[^]]*\]\((figures/[^)]+\.png)\)", report)
    assert len(linked) == 4 and "Figure not drawn" not in report
    for path in linked:
        assert (work / "report" / path).stat().st_size > 1000, path
