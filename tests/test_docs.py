"""The docs keep step with the code: README.md's Layout names every module of kg/, and only those."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT

MODULE_SUFFIXES = (".py", ".html")
"""Files of kg/ that the Layout must name: Python modules and the page template."""


def layout_entries(readme: str) -> list[str]:
    """The paths that open the lines of the code block under "## Layout" (continuations skipped)."""
    section = re.search(r"^## Layout\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert section, "README.md has no '## Layout' section"
    block = re.search(r"^```[^\n]*\n(.*?)^```", section[1], re.M | re.S)
    assert block, "README.md's Layout section has no ``` code block"
    return [line.split()[0] for line in block[1].splitlines() if line.strip() and not line[0].isspace()]


def module_files(package: Path) -> list[str]:
    """Every module file under ``package``, as a path relative to the project root."""
    return sorted(
        p.relative_to(ROOT).as_posix()
        for p in package.rglob("*")
        if p.is_file() and p.suffix in MODULE_SUFFIXES and "__pycache__" not in p.parts
    )


def test_layout_entries_are_read_from_the_block() -> None:
    readme = "# X\n\n## Layout\n\n```\nkg/a.py    one\n           more\nkg/sub/    two\n```\n\n## Next\n"
    assert layout_entries(readme) == ["kg/a.py", "kg/sub/"]


def test_readme_layout_lists_every_module_of_kg_and_nothing_else() -> None:
    listed = [
        e for e in layout_entries((ROOT / "README.md").read_text(encoding="utf-8")) if e.startswith("kg/")
    ]
    folders = [e for e in listed if e.endswith("/")]
    on_disk = module_files(ROOT / "kg")
    missing = [f for f in on_disk if f not in listed and not any(f.startswith(d) for d in folders)]
    stale = [e for e in listed if not (ROOT / e).exists() or (e.endswith("/") and not (ROOT / e).is_dir())]
    assert not missing and not stale, (
        "README.md's '## Layout' block is out of step with kg/: "
        + (f"add a line for {', '.join(missing)}" if missing else "")
        + ("; " if missing and stale else "")
        + (f"remove the line for {', '.join(stale)} (no such file or folder)" if stale else "")
    )
    assert len(listed) == len(set(listed)), "a kg/ path is listed twice in README.md's Layout"


DOCS = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]


def local_links(text: str) -> list[str]:
    """Markdown link and image targets that are not web addresses or anchors.

    >>> local_links("[a](docs/A.md) [b](https://x.org) ![c](img.png#top) [d](#here)")
    ['docs/A.md', 'img.png']
    """
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    return [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:|#", t)]


def test_readme_and_docs_point_only_inside_the_repository() -> None:
    outside = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for target in local_links(text):
            resolved = (doc.parent / target).resolve()
            if not resolved.is_relative_to(ROOT.resolve()) or not resolved.exists():
                outside.append(f"{doc.relative_to(ROOT)} -> {target}")
        outside += [f"{doc.relative_to(ROOT)} names {m}" for m in re.findall(r"\.\./shared\S*", text)]
    assert outside == [], "links that leave the repository or lead nowhere: " + "; ".join(outside)


def test_architecture_lists_every_command_of_kg_and_only_those() -> None:

    from kg.cli import main

    commands = set(main.commands)
    table = re.search(
        r"^## Command line\n(.*?)(?=^## )", (ROOT / "docs/ARCHITECTURE.md").read_text(), re.M | re.S
    )
    assert table, "docs/ARCHITECTURE.md has no '## Command line' section"
    documented = set(re.findall(r"^\| `kg ([a-z-]+)[ `]", table[1], re.M))
    assert documented == commands, (
        f"missing: {sorted(commands - documented)}, stale: {sorted(documented - commands)}"
    )
