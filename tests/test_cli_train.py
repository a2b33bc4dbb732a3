"""`slt train`: flags generated from the hyperparameter dataclasses (help, default, type and
choices from the one source of truth, every field covered, nothing filled in at parse time so
recipes and config files layer), a readable summary, --json, and a progress bar that stays."""

import argparse
import ast
import dataclasses
import json
import re

import pytest

from empirical import cli, cli_train
from empirical.hparams import RunHparams

REPR = re.compile(r"\bNone\b|[\[(]'|\{'|\[\d+(, \d+)+\]")
GENERATED = [row for _, flags in cli_train.field_flags() for row in flags]


def _parser():
    return dict(cli.walk_parsers(cli.build_parser()))[("slt", "train")]


def test_every_field_has_a_flag_or_says_what_sets_it():
    flagged = [dotted for _, dotted, _ in GENERATED]
    assert len(flagged) == len(set(flagged))
    assert set(flagged) | set(cli_train.NOT_FLAGS) == set(cli_train.all_fields())
    assert not set(flagged) & set(cli_train.NOT_FLAGS)


@pytest.mark.parametrize("flag,dotted,kw", GENERATED, ids=[g[0] for g in GENERATED])
def test_help_default_type_and_choices_come_from_the_dataclass(flag, dotted, kw):
    cls, field = cli_train.field_of(dotted)
    kind, description = cli_train.numpydoc_parameters(cls)[field.name]
    help_text = " ".join(kw["help"].split())
    assert cli_train._plain_rst(" ".join(description.split())).replace("%%", "%") in \
        help_text.replace("%%", "%")
    assert help_text.endswith(f"(default: {cli_train.default_words(field.default)})")
    if kind.startswith("{"):  # the docstring's own list of values
        assert set(ast.literal_eval(kind)) == set(kw["choices"])
    action = next(a for a in _parser()._actions if flag in a.option_strings)
    assert action.default is argparse.SUPPRESS  # not given: a recipe or config file may set it
    assert action.dest == dotted


def test_nothing_typed_leaves_the_recipe_s_values():
    parser = _parser()
    args = parser.parse_args(["--recipe", "cifar10-conv6"])
    assert not [k for k in vars(args) if "." in k]  # no field filled in at parse time
    hp = cli_train.hparams_from_args(args)
    assert hp.train.epochs == 100 != RunHparams().train.epochs  # the recipe's, not the default
    args = parser.parse_args(["--recipe", "cifar10-conv6", "--epochs", "3", "--hidden", "8", "4",
                              "--no-compact-scores", "--batch-norm", "--lr", "0.05"])
    hp = cli_train.hparams_from_args(args)
    assert (hp.train.epochs, hp.model.hidden, hp.supermask.compact_scores, hp.model.batch_norm,
            hp.train.lr) == (3, (8, 4), False, True, 0.05)
    assert cli_train.hparams_from_args(parser.parse_args(["--full-scores"])).supermask \
        .compact_scores is False


def test_the_defaults_shown_are_the_dataclasses():
    parser = _parser()
    hp = cli_train.hparams_from_args(parser.parse_args([]))
    assert hp == RunHparams()
    page = " ".join(parser.format_help().split())
    for flag, dotted, _ in GENERATED:
        value = hp
        for part in dotted.split("."):
            value = getattr(value, part)
        assert f"(default: {cli_train.default_words(value)})" in page.split(flag, 1)[1]


def test_numpydoc_reader():
    @dataclasses.dataclass
    class Example:
        """Doc.

        Parameters
        ----------
        a, b : int
            First line
            second line.
        c : {"x", "y"}
            Choice.

        Notes
        -----
        d : not a parameter
        """

        a: int = 1
        b: int = 2
        c: str = "x"

    got = cli_train.numpydoc_parameters(Example)
    assert got == {"a": ("int", "(a / b) First line second line."),
                   "b": ("int", "(a / b) First line second line."),
                   "c": ('{"x", "y"}', "Choice.")}


# ---------------------------------------------------------------------------------------------
# a run
# ---------------------------------------------------------------------------------------------
ARGV = ["train", "--dataset", "digits", "--model", "mlp", "--hidden", "8", "--epochs", "2",
        "--sparsity", "0.5", "--freeze-ratio", "0.4", "--threads", "1"]


def test_a_run_prints_a_readable_summary_and_a_labelled_bar_that_stays(tmp_path, capsys):
    pytest.importorskip("torch")
    runs = str(tmp_path / "runs")
    assert cli.main([*ARGV, "--runs-dir", runs]) == 0
    out, err = capsys.readouterr()
    assert not REPR.search(out) and not out.lstrip().startswith("{")
    assert re.search(r"run [0-9a-f]{16} finished", out)
    assert "ticket kept:  epoch 2, the last" in out and "test accuracy" in out
    assert "free; the mask takes" in out and "ticket.fslt" in out
    # the bar: stage, unit, time left, and the final state left on screen
    final = err.replace("\r", "\n").strip().splitlines()[-1]
    assert final.startswith("training: 100%") and "2/2" in final and "epoch/s" in final
    assert re.search(r"\[\d\d:\d\d<\d\d:\d\d", final)

    assert cli.main([*ARGV, "--runs-dir", runs, "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert "was already finished: nothing trained" in out and err == ""

    assert cli.main([*ARGV, "--runs-dir", runs, "--no-progress", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["final"]["epoch"] == 2 and data["selection"] == "last"
    assert f"{data['n_free']:,} free" in out and data["run_dir"] in out


def test_runs_dir_with_nul_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    """Slow tier of the issue-12 fuzz: `slt train --runs-dir 'a\\0b'` raised ValueError (embedded
    null byte) from os.stat; now exit status 2 and an empty folder."""
    from empirical.cli import main

    monkeypatch.chdir(tmp_path)
    try:
        code = main(["train", "--dataset", "digits", "--model", "mlp", "--hidden", "8",
                     "--epochs", "1", "--no-progress", "--runs-dir", "a\0b"])
    except SystemExit as e:
        code = e.code
    assert code != 0 and list(tmp_path.iterdir()) == []
