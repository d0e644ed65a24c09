"""kg diff: two builds of the fixture data, changed in each way a release changes, read in domain terms."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import cli
from kg.build import write_build
from kg.diff import Change, diff, render_diff
from kg.model import load_data
from tests.conftest import FIXTURES, IN_CI, ROOT, missing

NEWS2 = "https://example.org/news2"
RELEASE = "https://example.org/release"
NEWS = "https://example.org/news"

# In the old data only: an organisation that the new data drops, a post that the new data ends.
OLD_ONLY = """\
organisations:
  - id: vecchia-impresa
    label: Vecchia Impresa
    type: company
    sources: [news]
people:
  - id: dario-neri
    name: Dario Neri
    sources: [news]
    posts:
      - role: board-member
        organisation: afil
        start: 2020
        end: open
        sources: [news]
"""

# In the new data only: a source, an organisation with a membership, a president, a post, an act.
NEW_ONLY = f"""\
sources:
  - id: news2
    url: {NEWS2}
    title: A second news article
    publisher: Example News
    date: 2026-02-20
organisations:
  - id: nuova-impresa
    label: Nuova Impresa
    type: company
    sources: [news2]
people:
  - id: dario-neri
    name: Dario Neri
    sources: [news]
    posts:
      - role: board-member
        organisation: afil
        start: 2020
        end: 2025
        sources: [news, news2]
  - id: bruno-bianchi
    name: Bruno Bianchi
    sources: [news2]
    posts:
      - role: president
        organisation: afil
        start: 2025
        end: open
        sources: [news2]
  - id: carla-verdi
    name: Carla Verdi
    sources: [news2]
    posts:
      - role: director
        organisation: polo-cosmesi
        start: 2026
        sources: [news2]
acts:
  - id: decreto-2026
    type: decree
    label: Decreto di prova
    number: "123"
    date: 2026-02-20
    concerns: [afil]
    passed_by: regione-lombardia
    sources: [news2]
"""

EDITS = {
    "clusters/afil.yaml": [
        ("status: recognised", "status: constituted"),
        ("      start: 2013\n      end: open\n", "      start: 2013\n      end: 2025\n"),  # Politecnico ends
        (
            "    - organisation: lumson\n      role: member\n",
            "    - organisation: lumson\n      role: partner\n",
        ),
        ("      disputed_by: [release]\n", ""),  # the Region's partnership no longer disputed
        (
            "  members:\n",
            "  members:\n    - organisation: nuova-impresa\n      role: member\n"
            "      start: 2026\n      sources: [news2]\n",
        ),
    ],  # fmt: skip
    "organisations.yaml": [
        (
            "    label: Lumson\n",
            '    label: Lumson S.p.A.\n    ids:\n      - scheme: piva\n        value: "02890871201"\n'
            "        sources: [news2]\n",
        ),
        (
            "    type: university\n",
            "    type: research-centre\n    disputes:\n      - field: founded\n        value: 1863\n"
            "        sources: [news2]\n        against: [release]\n",
        ),
        (
            "    disputes:\n      - field: city\n        value: Cremona\n"
            "        sources: [release]\n        against: [news]\n",
            "",
        ),
    ],  # fmt: skip
    "people.yaml": [
        (
            "        end: unknown\n        sources: [news]\n",
            "        end: 2025\n        sources: [news, news2]\n",
        )
    ],
}


def _edit(data: Path) -> None:
    for name, replacements in EDITS.items():
        path = data / name
        text = path.read_text()
        for old, new in replacements:
            assert old in text, (name, old)
            text = text.replace(old, new, 1)
        path.write_text(text)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("diff")
    old, new = root / "old", root / "new"
    shutil.copytree(FIXTURES / "good" / "data", old)
    shutil.copytree(FIXTURES / "good" / "data", new)
    (old / "old-only.yaml").write_text(OLD_ONLY)
    (new / "new-only.yaml").write_text(NEW_ONLY)
    _edit(new)
    write_build(old, root / "build-old")
    write_build(new, root / "build-new")
    return root / "build-old", root / "build-new"


@pytest.fixture(scope="module")
def changes(builds: tuple[Path, Path]) -> list[Change]:
    return diff(str(builds[0]), str(builds[1])).changes


def _find(changes: list[Change], group: str, change: str, subject: str, *words: str) -> Change:
    found = [
        c
        for c in changes
        if (c.group, c.change, c.subject.label) == (group, change, subject)
        and all(w in c.detail for w in words)
    ]
    assert len(found) == 1, (
        group,
        change,
        subject,
        words,
        [(c.group, c.change, str(c.subject), c.detail) for c in changes],
    )
    return found[0]


AFIL = "Associazione Fabbrica Intelligente Lombardia"
POLO = "Polo Tecnologico della Cosmesi"
KINDS = [
    # group, change, subject, words in the detail, a page it must name
    ("clusters", "status", AFIL, ("riconosciuto", "costituito"), RELEASE),
    ("clusters", "president", AFIL, ("Bruno Bianchi", "from 2025"), NEWS2),
    ("clusters", "president", AFIL, ("Ada Rossi", "2022-06 – 2025"), NEWS2),
    ("organisations", "added", "Nuova Impresa", ("impresa",), NEWS2),
    ("organisations", "removed", "Vecchia Impresa", ("impresa",), NEWS),
    ("organisations", "renamed", "Lumson S.p.A.", ("'Lumson' → 'Lumson S.p.A.'",), RELEASE),
    ("organisations", "retyped", "Politecnico di Milano", ("università → centro di ricerca",), RELEASE),
    ("memberships", "begun", AFIL, ("Nuova Impresa as socio", "from 2026"), NEWS2),
    ("memberships", "ended", AFIL, ("Politecnico di Milano as socio fondatore", "2013 – 2025"), RELEASE),
    ("memberships", "role changed", AFIL, ("Lumson S.p.A.: socio → partner",), NEWS),
    ("posts", "taken", "Carla Verdi", ("direttore in Polo Tecnologico della Cosmesi",), NEWS2),
    ("posts", "left", "Dario Neri", ("2020 – 2025",), NEWS2),
    ("acts", "added", "Decreto di prova", ("decreto", "123", "2026-02-20"), NEWS2),
    ("identifiers", "added", "Lumson S.p.A.", ("partita IVA 02890871201",), NEWS2),
    ("disputes", "raised", "Politecnico di Milano", ("founded '1863'", "A press release"), NEWS2),
    ("disputes", "settled", POLO, ("city 'Cremona'",), RELEASE),
    ("disputes", "settled", AFIL, ("Regione Lombardia as partner",), NEWS),
    ("sources", "added", "A second news article", (NEWS2,), NEWS2),
]


@pytest.mark.parametrize(
    ("group", "change", "subject", "words", "page"), KINDS, ids=[f"{k[0]}-{k[1]}" for k in KINDS]
)
def test_each_kind_of_change_is_found_with_its_source(
    changes: list[Change], group: str, change: str, subject: str, words: tuple[str, ...], page: str
) -> None:
    found = _find(changes, group, change, subject, *words)
    assert page in [s.iri for s in found.sources]
    titles = {s.iri: s.label for s in found.sources}
    assert titles[page] and titles[page] != page  # the source is named by its title too


def test_every_change_is_classified_and_sourced(changes: list[Change], builds: tuple[Path, Path]) -> None:
    """The fixture's changes are all of kinds the diff knows: none in "other", none without a source."""
    assert [c for c in changes if c.group == "other"] == []
    # each change once: the kinds above, and the two people the new data adds (no second line for
    # a source added with an end date, nor for the VAT number an identifier implies)
    people = [c.subject.label for c in changes if (c.group, c.change) == ("people", "added")]
    assert sorted(people) == ["Bruno Bianchi", "Carla Verdi"]
    assert len(changes) == len(KINDS) + len(people)
    assert all(c.sources for c in changes)
    sources = {s.url for s in load_data(builds[1].parent / "new").sources}
    sources |= {s.url for s in load_data(builds[1].parent / "old").sources}
    assert {s.iri for c in changes for s in c.sources} <= sources


def test_same_build_has_no_change(builds: tuple[Path, Path]) -> None:
    result = diff(str(builds[1]), str(builds[1]))
    assert (result.changes, result.added, result.removed) == ([], 0, 0)
    assert "No change" in render_diff(result, "md")


def test_an_unclassifiable_change_is_listed_not_dropped(builds: tuple[Path, Path], tmp_path: Path) -> None:
    """Triples no rule explains (a new kind of resource; a shortcut with no membership) come out in words."""
    shutil.copytree(builds[0], tmp_path / "odd")
    nt = tmp_path / "odd" / "kg.nt"
    base = "https://w3id.org/lombardia-kg/id/"
    extra = [
        f'<{base}gadget/widget> <http://www.w3.org/2000/01/rdf-schema#label> "Aggeggio"@it .',
        f"<{base}organisation/lumson> <http://www.w3.org/ns/org#memberOf>"
        f" <{base}organisation/regione-lombardia> .",
    ]
    nt.write_text("".join(sorted(nt.read_text().splitlines(keepends=True) + [e + "\n" for e in extra])))
    result = diff(str(builds[0]), str(tmp_path / "odd"))
    assert result.added == 2
    other = [c for c in result.changes if c.group == "other"]
    assert len(result.changes) == len(other) == 2
    gadget = _find(other, "other", "unclassified", "Aggeggio", "name 'Aggeggio' added")
    assert gadget.subject.iri == f"{base}gadget/widget"
    lumson = _find(other, "other", "unclassified", "Lumson", "member of 'Regione Lombardia' added")
    assert NEWS in [s.iri for s in lumson.sources]  # named by the subject's own sources
    assert "Other changes" in render_diff(result, "md")


def test_formats(builds: tuple[Path, Path]) -> None:
    runner = CliRunner()
    old, new = map(str, builds)
    result = {
        fmt: runner.invoke(cli.main, ["diff", old, new, "--format", fmt], catch_exceptions=False)
        for fmt in ("table", "md", "json")
    }
    assert all(r.exit_code == 0 for r in result.values())
    data = json.loads(result["json"].output)
    expected = diff(old, new)
    assert len(data["changes"]) == len(expected.changes)
    assert data["triples_added"] == expected.added and data["triples_removed"] == expected.removed
    first = data["changes"][0]
    assert set(first) == {"group", "change", "subject", "subject_label", "detail", "sources"}
    assert first["sources"][0]["url"].startswith("https://")
    md = result["md"].output
    for heading in ("### Clusters", "### Organisations", "### Memberships", "### Posts", "### Acts"):
        assert heading in md
    assert "### Other changes" not in md
    assert f"[A second news article]({NEWS2})" in md
    md_items = [line for line in md.splitlines() if line.startswith("- **")]
    assert len(md_items) == len(expected.changes)
    table = result["table"].output.splitlines()
    assert table[1].split() == ["group", "change", "subject", "detail", "source"]
    assert len(table) == 3 + len(expected.changes)


def test_missing_build_files(builds: tuple[Path, Path], tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(cli.main, ["diff", str(tmp_path / "empty"), str(builds[1])])
    assert result.exit_code == 1
    assert f"{tmp_path / 'empty' / 'kg.nt'}:?: -: missing build file" in result.stderr
    assert "Traceback" not in result.output


# -- git revisions ------------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with two commits of a small data folder: the second adds an organisation."""
    if shutil.which("git") is None:
        missing("git")
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "good" / "data", repo / "data")
    _git(repo, "init", "-q")
    _git(repo, "add", "data")
    _git(repo, "commit", "-qm", "first")
    (repo / "data" / "new-only.yaml").write_text(NEW_ONLY.split("people:")[0])
    _git(repo, "add", "data")
    _git(repo, "commit", "-qm", "second")
    return repo


@pytest.mark.parametrize("sides", [["HEAD~1", "HEAD"], ["HEAD~1..HEAD"], ["HEAD~1.."]])
def test_diff_between_git_revisions(repo: Path, sides: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    before = set(Path(tempfile.gettempdir()).glob("kg-diff-*"))
    result = CliRunner().invoke(cli.main, ["diff", *sides, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    found = {(c["group"], c["change"], c["subject_label"]) for c in json.loads(result.output)["changes"]}
    assert found == {
        ("organisations", "added", "Nuova Impresa"),
        ("sources", "added", "A second news article"),
    }
    assert set(Path(tempfile.gettempdir()).glob("kg-diff-*")) == before  # temporary builds removed
    assert not (repo / "build").exists()  # nothing written into the repository


def test_revision_errors(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    broken = FIXTURES / "unknown_org" / "data"
    shutil.rmtree(repo / "data")
    shutil.copytree(broken, repo / "data")
    _git(repo, "add", "-A", "data")
    _git(repo, "commit", "-qm", "broken")
    monkeypatch.chdir(repo)
    cases = {
        ("HEAD~1", "HEAD"): "HEAD: the data of this revision fails the checks of the current code:",
        ("no-such-rev", "HEAD"): "no-such-rev: neither a build folder (with kg.nt) nor a revision",
        ("HEAD", "HEAD", "--data", "nowhere"): "HEAD: this revision has no nowhere/ folder",
        ("HEAD",): "NEW: give two sides, OLD NEW, or a range OLD..NEW",
    }
    for args, message in cases.items():
        result = runner.invoke(cli.main, ["diff", *args])
        assert result.exit_code == 1, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output
    # the failing revision's problems point at its own files, not at the temporary folder
    result = runner.invoke(cli.main, ["diff", "HEAD~1", "HEAD"])
    assert "HEAD:data/" in result.stderr and "kg-diff-" not in result.stderr
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plain").mkdir()
    monkeypatch.chdir(tmp_path / "plain")
    result = runner.invoke(cli.main, ["diff", "HEAD~1", "HEAD"])
    assert result.exit_code == 1 and "is not in a git repository" in result.stderr


def test_diff_between_revisions_of_this_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh clone of this repository: its data at HEAD, and a commit on top that adds a source."""
    if shutil.which("git") is None:
        missing("git")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        if IN_CI:
            pytest.fail("CI runs in a git clone of the repository")
        pytest.skip("not a git checkout (a source archive)")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--no-checkout", str(ROOT), str(clone)], check=True, capture_output=True
    )
    _git(clone, "checkout", "-q", head.stdout.strip())
    (clone / "data" / "zz-diff-test.yaml").write_text(
        NEW_ONLY.split("people:")[0].replace("nuova-impresa", "zz-nuova-impresa")
    )
    _git(clone, "add", "data")
    _git(clone, "commit", "-qm", "one more organisation")
    monkeypatch.chdir(clone)
    result = CliRunner().invoke(
        cli.main, ["diff", "HEAD~1", "HEAD", "--format", "md"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    items = [line for line in result.output.splitlines() if line.startswith("- ")]
    assert items == [
        f"- **Nuova Impresa**, added: impresa ([A second news article]({NEWS2}))",
        f"- **A second news article**, added: {NEWS2} ([A second news article]({NEWS2}))",
    ]
