"""Every `slt` parser, nested ones included, explains every option and shows its default.

The walk is generic (:func:`empirical.cli.walk_parsers` over whatever the subcommand modules
configure), so a subcommand or option added later is held to the same rules without a change
here."""

import argparse
import re

import pytest

from empirical import cli

PARSERS = list(cli.walk_parsers(cli.build_parser()))
IDS = [" ".join(path) for path, _ in PARSERS]
#: argparse's own actions, which need no default
_BUILTIN = (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)


def _normal(text):
    return " ".join(text.split())


def _squeezed(text):
    """Without any white space: argparse may break a line after a hyphen."""
    return "".join(text.split())


def _options(parser):
    return [a for a in parser._actions if not isinstance(a, _BUILTIN)]


def test_the_walk_reaches_every_subcommand_and_nested_subcommand():
    paths = {path for path, _ in PARSERS}
    assert {("slt",), *(("slt", name) for name in cli.SUBCOMMANDS)} <= paths
    # slt mc has subcommands of its own: the walk goes below the first level
    assert any(len(path) == 3 and path[1] == "mc" for path in paths)
    assert all(p.formatter_class is cli.HelpFormatter for _, p in PARSERS)


@pytest.mark.parametrize("path,parser", PARSERS, ids=IDS)
def test_every_option_has_help_and_shows_its_default(path, parser):
    formatter = parser._get_formatter()
    page = _squeezed(parser.format_help())
    for action in _options(parser):
        name = "/".join(action.option_strings) or action.dest
        assert action.help and action.help is not argparse.SUPPRESS and action.help.strip(), \
            f"{' '.join(path)} {name} has no help"
        shown = formatter._expand_help(action)
        assert re.search(r"\(default[:\s]|default:|\(required\)", shown), \
            f"{' '.join(path)} {name} does not show its default: {shown!r}"
        assert _squeezed(shown) in page, f"{' '.join(path)} {name}: help missing from the page"


@pytest.mark.parametrize("path,parser", PARSERS, ids=IDS)
def test_every_subcommand_has_help_and_a_description(path, parser):
    assert parser.description and parser.description.strip()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                assert choice.help and choice.help.strip(), f"{path} {choice.dest} has no help"


@pytest.mark.parametrize("path,parser", PARSERS, ids=IDS)
def test_help_shows_no_python_repr(path, parser):
    page = parser.format_help()
    assert "None" not in page
    assert not re.search(r"[\[(]'|\{'|': ", page), "a list, tuple or dict repr in the help"


def test_slt_help_shows_the_whole_description_and_the_commands(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    page = _normal(capsys.readouterr().out)
    for paragraph in cli.DESCRIPTION.split("\n\n"):
        assert _normal(paragraph) in page  # nothing cut mid-sentence
    assert all(f"{name} " in page for name in cli.SUBCOMMANDS)
    assert "examples:" in page


def test_size_help_is_its_own():
    parsers = dict(PARSERS)
    width, size = parsers[("slt", "width")], parsers[("slt", "size")]
    assert width.format_help().replace("width", "") != size.format_help().replace("size", "")
    assert "--model" in size.format_help() and "--model" not in width.format_help()


def test_description_paragraphs_and_example_lines_keep_their_layout():
    parser = argparse.ArgumentParser(prog="x", formatter_class=cli.HelpFormatter,
                                     description="one two three " * 20 + "\n\nsecond paragraph",
                                     epilog="examples:\n  x --a 1   # kept as it is")
    page = parser.format_help()
    assert "\n\nsecond paragraph" in page
    assert "\n  x --a 1   # kept as it is" in page
    assert max(len(line) for line in page.splitlines()) < 100


@pytest.mark.parametrize("kwargs,shown", [
    (dict(default=None), "(default: not set)"),
    (dict(action="store_true"), "(default: off)"),
    (dict(action=argparse.BooleanOptionalAction, default=True), "(default: on)"),
    (dict(nargs="+", default=[0.0, 0.5]), "(default: 0.0 0.5)"),
    (dict(default="50%"), "(default: 50%)"),
    (dict(required=True), "(required)"),
    (dict(default=3, help="h (default: three)"), "(default: three)"),
])
def test_defaults_read_as_words(kwargs, shown):
    parser = argparse.ArgumentParser(prog="x", formatter_class=cli.HelpFormatter)
    kwargs.setdefault("help", "h")
    parser.add_argument("--a", **kwargs)
    page = _normal(parser.format_help())
    assert shown in page
    assert page.count("default") == (0 if "required" in kwargs else 1)
