"""run_sweep's progress bar says what it counts (its label) and stays on screen."""

import pytest

from slt_theory.errors import InvalidParameterError
from slt_theory.runs.runstore import run_sweep


def _square(task):
    return {"y": task["x"] ** 2}


def test_label_on_the_bar(tmp_path, capsys):
    table = run_sweep(_square, [{"x": 1}, {"x": 2}], tmp_path / "runs", workers=1,
                      label="squares: runs")
    assert sorted(r["y"] for r in table) == [1, 4]
    err = capsys.readouterr().err
    assert "squares: runs" in err and "2/2" in err
    run_sweep(_square, [{"x": 1}], tmp_path / "other", workers=1)
    assert "other" in capsys.readouterr().err  # no label: the folder's name


@pytest.mark.parametrize("label", ["", "  ", 3])
def test_bad_label(tmp_path, label):
    with pytest.raises(InvalidParameterError, match="label"):
        run_sweep(_square, [{"x": 1}], tmp_path / "runs", workers=1, label=label)
    assert not (tmp_path / "runs").exists()
