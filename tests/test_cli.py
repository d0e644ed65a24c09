"""kg.cli: exit codes, messages on stderr without tracebacks, help with examples."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg import cli
from tests.conftest import DATA, fixture_data


def test_validate_on_a_broken_copy_of_real_data_names_each_error(tmp_path: Path) -> None:
    data = shutil.copytree(DATA, tmp_path / "data")
    cosmetica = data / "clusters" / "cosmetica.yaml"
    text = cosmetica.read_text()
    cosmetica.write_text(text.replace("organisation: politecnico-di-milano", "organisation: polimi", 1))
    line = next(
        i for i, row in enumerate(cosmetica.read_text().splitlines(), 1) if "organisation: polimi" in row
    )
    people = data / "people.yaml"
    people.write_text(people.read_text().replace("start: 2023-03", "start: 2023-3", 1))
    result = CliRunner().invoke(cli.main, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output + result.stderr
    assert f"{cosmetica}:{line}: members[3].organisation: unknown organisation 'polimi'" in result.stderr
    assert "did you mean" in result.stderr and "'politecnico-di-milano'" in result.stderr
    assert "people.yaml" in result.stderr and "posts[0].start: malformed date '2023-3'" in result.stderr
    assert "2 problems found." in result.stderr


def test_build_prints_counts_and_writes_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli.main,
        ["build", "--data", str(fixture_data("good", tmp_path)), "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert f"wrote {out / 'kg.ttl'}" in result.output
    counts = dict(line.split() for line in result.output.splitlines() if not line.startswith("wrote"))
    assert counts["lkg:Cluster"] == "1" and counts["org:Membership"] == "4"


def test_validate_writes_nothing(tmp_path: Path) -> None:
    data = fixture_data("good", tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = CliRunner().invoke(cli.main, ["validate", "--data", str(data)], catch_exceptions=False)
    assert result.exit_code == 0 and "valid" in result.output
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_usage_error_exits_2() -> None:
    result = CliRunner().invoke(cli.main, ["build", "--no-such-option"])
    assert result.exit_code == 2
    assert "No such option '--no-such-option'" in result.stderr and "Traceback" not in result.stderr


def _commands(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


@pytest.mark.parametrize(
    ("path", "command"), _commands(cli.main), ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_every_command_has_help_with_an_example(path: tuple[str, ...], command: click.Command) -> None:
    result = CliRunner().invoke(cli.main, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"kg {' '.join(path)}" in result.output


def _body_lines(function: object) -> int:
    """Lines of a command's body: code after the docstring, blank lines and comments left out."""
    import ast
    import inspect
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))  # type: ignore[arg-type]
    definition = tree.body[0]
    assert isinstance(definition, ast.FunctionDef)
    statements = definition.body[1:] if ast.get_docstring(definition) else definition.body
    lines = inspect.getsource(function).splitlines()  # type: ignore[arg-type]
    start = definition.lineno - 1
    used = {
        n
        for s in statements
        for n in range(s.lineno, (s.end_lineno or s.lineno) + 1)
        if lines[n - 1 - start].strip() and not lines[n - 1 - start].strip().startswith("#")
    }
    return len(used)


def _commands(group: click.Group) -> list[click.Command]:
    found: list[click.Command] = []
    for command in group.commands.values():
        found += _commands(command) if isinstance(command, click.Group) else [command]
    return found


def test_every_command_body_is_thin() -> None:
    """Commands parse, call one library function and print: each body under 15 lines."""
    import inspect

    sizes = {}
    for command in _commands(cli.main):
        function = inspect.unwrap(command.callback)  # type: ignore[arg-type]
        name = function.__name__
        sizes[name] = _body_lines(function)
        # a command handing over to a helper of kg.cli counts the helper too
        for helper in ("_draw",):
            if f"{helper}(" in inspect.getsource(function):
                sizes[name] += _body_lines(getattr(cli, helper))
    assert len(sizes) == len(_commands(cli.main)) >= 20
    assert max(sizes.values()) < 15, {k: v for k, v in sizes.items() if v >= 15}
