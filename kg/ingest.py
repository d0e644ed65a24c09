"""Draft sourced records from one press release: rule-based, offline.

`ingest` reads a page (plain text, or HTML through a WHATWG parser), finds the organisations,
clusters and people that data/ already knows (names folded by `kg.names.bare_name`), unknown
names that look like organisations, the roles the words around them give, dates, act numbers
and comuni, and returns a `Draft`: YAML in data/'s format (`to_yaml`) where every proposed
fact is ``draft: true`` and carries its ``evidence`` (sentence and character span), or a
review table (`to_markdown`). Nothing here writes into data/; `write_draft` writes the draft
file atomically.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from kg.errors import KgError, Problem
from kg.names import bare_name, slugify

__all__ = [
    "MAX_BYTES",
    "Draft",
    "Fact",
    "ingest",
    "read_page",
    "run",
    "to_markdown",
    "to_yaml",
    "write_draft",
]

MAX_BYTES = 5_000_000
"""A press release is a few kilobytes; a bigger file is refused rather than parsed."""

_DROP = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "svg",
         "iframe", "button", "select", "head"}  # fmt: skip
_BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article",
          "main", "ul", "ol", "table", "blockquote", "dd", "dt", "figcaption"}  # fmt: skip


# --------------------------------------------------------------------------- reading


def _problem(path: Path, message: str, line: int | None = None) -> KgError:
    return KgError([Problem(path, line, "-", message)])


def _html_text(path: Path, raw: bytes) -> tuple[str, str | None]:
    import html5rdf

    try:
        root = html5rdf.parse(raw, treebuilder="etree", namespaceHTMLElements=False)
    except Exception as error:  # noqa: BLE001 - any parser failure is bad input, named below
        raise _problem(path, f"cannot parse the HTML: {error}") from None
    title = None
    for element in root.iter("title"):
        title = " ".join("".join(element.itertext()).split()) or None
        break
    main = next((e for tag in ("article", "main") for e in root.iter(tag)), None) or root
    h1 = next(iter(main.iter("h1")), None)
    if h1 is not None:
        title = " ".join("".join(h1.itertext()).split()) or title
    parts: list[str] = []

    def walk(element: object) -> None:
        tag = getattr(element, "tag", None)
        if not isinstance(tag, str) or tag in _DROP:
            return
        if tag in _BLOCK:
            parts.append("\n")
        parts.append(getattr(element, "text", None) or "")
        for child in element:  # type: ignore[attr-defined]
            walk(child)
            parts.append(getattr(child, "tail", None) or "")
        if tag in _BLOCK:
            parts.append("\n")

    walk(main)
    lines = (" ".join(line.split()) for line in "".join(parts).splitlines())
    return "\n".join(line for line in lines if line), title


def read_page(path: Path | str) -> tuple[str, str | None]:
    """The main text of a page and its title (None when it shows none).

    Parameters
    ----------
    path : pathlib.Path or str
        A ``.txt`` file (UTF-8) or an ``.html``/``.htm`` file.

    Returns
    -------
    tuple of (str, str or None)
        The text, one paragraph a line, and the page's title.

    Raises
    ------
    KgError
        Naming the file, when it is missing, too big, binary, not text in its encoding,
        or holds no text.

    Examples
    --------
    >>> import tempfile
    >>> page = Path(tempfile.mkdtemp()) / "p.html"
    >>> _ = page.write_text("<title>T</title><nav>menu</nav><p>Lumson <b>spa</b>.</p><script>x()</script>")
    >>> read_page(page)
    ('Lumson spa.', 'T')
    >>> _ = page.write_bytes(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00")
    >>> read_page(page)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.KgError: .../p.html:?: -: binary data, not a page: ...
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".txt", ".html", ".htm"):
        raise _problem(path, f"unknown kind of page '{suffix}': give a .txt or .html file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _problem(path, f"too big for a press release ({size:,} bytes; at most {MAX_BYTES:,})")
        raw = path.read_bytes()
    except OSError as error:
        raise _problem(path, f"cannot read the file: {error.strerror or error}") from None
    head = raw[:8192]
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 20:
        raise _problem(path, "binary data, not a page: save the page's text or HTML")
    if suffix == ".txt":
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise _problem(path, f"not UTF-8 text ({error.reason}); save the file as UTF-8", line) from None
        title = None
    else:
        text, title = _html_text(path, raw)
    if text.count("\ufffd") > max(3, len(text) // 100):
        raise _problem(path, "the text is garbled (wrong encoding?): save the page as UTF-8")
    if not re.search(r"\w{2,}", text):
        raise _problem(path, "no text in the page")
    return text, title


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Mention:
    """A name found in the text: what it names (kind and id, or None for a new one) and where."""

    kind: str  # organisation, cluster, person
    id: str | None
    text: str
    start: int
    end: int


@dataclass
class Fact:
    """One proposal: a membership, a post, a new record, an act, a date or a seat."""

    kind: str
    values: dict[str, str]
    quote: str
    start: int
    end: int


@dataclass
class Draft:
    """What one page proposes, with the page's text and the ids it matched."""

    url: str
    title: str | None
    text: str
    source_id: str
    known_source: bool
    publisher: str | None
    date: str | None
    cluster: str | None
    mentions: list[Mention] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(slugify(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def _index(dataset: object) -> dict[tuple[str, ...], tuple[str, str]]:
    """Folded name (as words) -> (kind, id) of each organisation, cluster, person; ambiguous ones dropped."""
    from kg.model import Dataset

    assert isinstance(dataset, Dataset)
    names: dict[tuple[str, ...], set[tuple[str, str]]] = {}

    def add(kind: str, key: str, name: str | None) -> None:
        words = tuple(bare_name(name).split()) if name else ()
        if words and len("".join(words)) >= 2:
            names.setdefault(words, set()).add((kind, key))

    for org in dataset.organisations:
        for name in (org.label, org.label_en, *org.alt_labels):
            add("organisation", org.id, name)
    for cluster in dataset.clusters:
        for name in (cluster.label, cluster.label_en, cluster.acronym, *cluster.alt_labels):
            add("cluster", cluster.id, name)
    for person in dataset.people:
        for name in (person.name, *person.alt_labels):
            add("person", person.id, name)
    return {words: next(iter(keys)) for words, keys in names.items() if len(keys) == 1}


_ORG_HEAD = re.compile(
    r"\b(?:Università|Universita|Politecnico|Fondazione|Camera di Commercio|Consorzio|Associazione|"
    r"ITS(?: Academy)?|Istituto|Centro|Comune di|Provincia di|Regione|IRCCS|Ospedale)"
    r"(?:\s+(?:di|del|della|dei|degli|delle|per|per il|per la|&|dell’|dell')?\s*[A-ZÀ-Ý0-9][\w’'.-]*)+"
)
_LEGAL = re.compile(r"\b((?:[A-ZÀ-Ý0-9][\w&.-]*\s+){1,4}?)(?:S\.?p\.?A\.?|s\.?r\.?l\.?|Spa|Srl|spa|srl)\b")


def _mentions(text: str, index: dict[tuple[str, ...], tuple[str, str]]) -> list[Mention]:
    words = _words(text)
    longest = max((len(k) for k in index), default=0)
    found: list[Mention] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            key = tuple(w for w, _, _ in words[i : i + size])
            hit = index.get(key)
            if hit is None:
                continue
            start, end = words[i][1], words[i + size - 1][2]
            surface = text[start:end]
            # a one-word name counts only where the page capitalises it ("Regi", not "regi")
            if size == 1 and not surface[:1].isupper():
                continue
            found.append(Mention(hit[0], hit[1], surface, start, end))
            i += size
            break
        else:
            i += 1
    taken = [(m.start, m.end) for m in found]
    for pattern in (_ORG_HEAD, _LEGAL):
        for match in pattern.finditer(text):
            start, end = match.span(1) if pattern is _LEGAL else match.span()
            surface = text[start:end].strip(" .,’'")
            end = start + len(surface)
            if len(surface.split()) < 2 and pattern is _ORG_HEAD:
                continue
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            found.append(Mention("organisation", None, surface, start, end))
    return sorted(found, key=lambda m: m.start)


# --------------------------------------------------------------------------- sentences and roles

_SPLIT = re.compile(r"\n+|(?<=[.!?;])\s+(?=[“\"«‘(]?[A-ZÀ-Ý])")
_ABBREV = re.compile(r"\b(?:n|nr|art|dott|prof|ing|sig|u\.s|[A-Z])\.$")


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _SPLIT.finditer(text):
        if (
            match.group().strip() == ""
            and "\n" not in match.group()
            and _ABBREV.search(text[start : match.start()])
        ):
            continue
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


# cue -> role; a cue gives its role to the mentions that follow it in the sentence, and to the
# mention right before it ("REI – socio fondatore insieme a ..."); "subject" cues to the
# sentence's first organisation ("... garantirà il coordinamento del Cluster")
_CUES: list[tuple[str, str, str]] = [
    (r"soggett[oi] proponent[ei]|\bproponente\b", "proposer", "next"),
    (r"\bcapofila\b", "coordinator", "next"),
    (r"coordinamento|coordiner[àa]|\bcoordinator[ei]?\b", "coordinator", "subject"),
    (r"soci[oa]? fondator[ei]|\bfondator[ei]\b|founding members?", "founding-member", "list"),
    (r"\bpartner\b(?!\s+d[ie])|partenariato", "partner", "list"),
    (r"\baderent[ei]\b|aderisc\w+", "member", "list"),
    (
        r"\bconsiglio\b(?! nazionale| regionale)|\bdirettivo\b|\bcda\b|\bcd\b|tra i membri",
        "board-member",
        "list",
    ),
]
_POST_CUES: list[tuple[str, str]] = [
    (r"vice[- ]?president[ei]|vicepresidenza", "vice-president"),
    (r"president[ei]|presidenza|presieduto", "president"),
    (r"direttor[ei]|direttrice|direzione", "director"),
    (r"assessor[ei]", "assessore"),
    (r"cluster manager", "cluster-manager"),
    (r"segretari[oa] generale", "secretary-general"),
]
_AFFILIATION = re.compile(
    r"^\s*(?:\(|di\b|del\b|della\b|dell’|dell'|dello\b|degli\b|dei\b)\s*$", re.IGNORECASE
)


def _cues(sentence: str, offset: int) -> list[tuple[int, int, str, str]]:
    found = []
    for pattern, role, scope in _CUES:
        for match in re.finditer(pattern, sentence, re.IGNORECASE):
            found.append((offset + match.start(), offset + match.end(), role, scope))
    return sorted(found)


def _roles(draft: Draft, regional_government: str | None) -> None:
    text, cluster = draft.text, draft.cluster
    seen: set[tuple[str, ...]] = set()

    def propose(kind: str, values: dict[str, str], start: int, end: int) -> None:
        key = (kind, *(f"{k}={v}" for k, v in sorted(values.items())))
        if key in seen:
            return
        seen.add(key)
        draft.facts.append(Fact(kind, values, text[start:end], start, end))

    board_context = False  # a board named in one sentence, its members listed in the next ones
    for start, end in _sentences(text):
        sentence = text[start:end]
        here = [m for m in draft.mentions if start <= m.start < end]
        orgs = [m for m in here if m.kind == "organisation"]
        people = [m for m in here if m.kind == "person"]
        cues = [c for c in _cues(sentence, start) if not any(m.start <= c[0] < m.end for m in here)]
        affiliated: dict[Mention, Mention] = {}  # person -> organisation named right after them
        for person in people:
            nxt = next((m for m in here if m.start >= person.end), None)
            if nxt and nxt.kind == "organisation" and _AFFILIATION.match(text[person.end : nxt.start]):
                affiliated[person] = nxt
        listed = bool(affiliated) or sentence.lstrip().startswith(("–", "-", "•"))
        if board_context and listed and not any(c[2] == "board-member" for c in cues):
            cues.insert(0, (start, start, "board-member", "list"))
        board_context = any(c[2] == "board-member" for c in cues) and (listed or not people)
        if cluster:
            for org in orgs:
                roles = set()
                before = [c for c in cues if c[1] <= org.start]
                lists = [c for c in before if c[3] in ("list",)]
                if lists:
                    roles.add(lists[-1][2])
                nexts = [c for c in before if c[3] == "next"]
                if nexts and not any(m.start < org.start and m.start > nexts[-1][1] for m in orgs):
                    roles.add(nexts[-1][2])
                after = next((c for c in cues if c[0] >= org.end), None)
                if (
                    after
                    and after[3] != "next"
                    and re.fullmatch(r"[\s–—,-]*(?:è|sono)?\s*(?:tra i)?\s*", text[org.end : after[0]])
                ):
                    roles.add(after[2])
                if orgs and org is orgs[0] and any(c[3] == "subject" and c[0] > org.end for c in cues):
                    roles.add("coordinator")
                if org in affiliated.values() and any(c[2] == "board-member" for c in cues):
                    roles = {"board-member"}
                elif org in affiliated.values():
                    roles = set()
                for role in sorted(roles):
                    values = {"cluster": cluster, "organisation": org.id or slugify(org.text), "role": role}
                    propose("membership", values, start, end)
        for person in people:
            title, where = _post(text, person, here, start, end)
            if title:
                target: str | None = where or cluster
                if title == "assessore" and where is None:
                    target = regional_government
                if target:
                    values = {"person": person.id or "", "role": title, "organisation": target}
                    propose("post", values, start, end)
            if cluster and any(c[2] == "board-member" for c in cues):
                propose(
                    "post",
                    {"person": person.id or "", "role": "board-member", "organisation": cluster},
                    start,
                    end,
                )


def _post(
    text: str, person: Mention, here: list[Mention], start: int, end: int
) -> tuple[str | None, str | None]:
    """The post a person holds, from a title written next to their name, and where."""
    others = [m for m in here if m.kind == "person" and m is not person]
    after_end = min([m.start for m in others if m.start > person.end] + [end])
    window_after = text[person.end : min(after_end, person.end + 60)]
    before_start = max([m.end for m in others if m.end < person.start] + [start, person.start - 50])
    window_before = text[before_start : person.start]
    for window, offset, near in ((window_after, person.end, True), (window_before, before_start, False)):
        for pattern, role in _POST_CUES:
            match = re.search(pattern, window, re.IGNORECASE)
            if not match:
                continue
            if near and not re.fullmatch(
                r"[\s,–—(-]*(?:già|è|il|la|nuov[oa]|neo)?\s*", window[: match.start()]
            ):
                continue
            cue_end = offset + match.end()
            target = next((m for m in here if m.start >= cue_end), None)
            where = None
            if target and target.kind in ("organisation", "cluster") and target.start - cue_end <= 12:
                where = target.id
            return role, where
    return None, None


# --------------------------------------------------------------------------- dates, acts, comuni

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "gennaio",
            "febbraio",
            "marzo",
            "aprile",
            "maggio",
            "giugno",
            "luglio",
            "agosto",
            "settembre",
            "ottobre",
            "novembre",
            "dicembre",
        ]
    )
}
_MONTHS.update(
    {
        m: i + 1
        for i, m in enumerate(
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ]
        )
    }
)
_DATE = re.compile(
    r"\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{1,2})(?:°|º)?\s+(" + "|".join(_MONTHS) + r")(?:\s+(\d{4}))?\b",
    re.IGNORECASE,
)
_ACT = re.compile(
    r"\b(DGR|D\.G\.R\.|d\.d\.u\.o\.|d\.d\.s\.|decreto(?: dirigenziale)?|delibera(?:zione)?"
    r"|legge(?: regionale)?)"
    r"\s+(?:n\.|nr\.|n°|numero)\s*([A-Z]{1,4}/\d+|\d+(?:/\d+)?)"
    r"(?:\s+del\s+(\d{1,2}\s+\w+\s+\d{4}|\d{1,2}[./]\d{1,2}[./]\d{4}))?",
    re.IGNORECASE,
)
_CLOSING = re.compile(r"\b(fino al|entro il|scade|scadenza|chiude|until|by)\b[^.]{0,20}$", re.IGNORECASE)
_SEAT = re.compile(
    r"\b(?:con sede (?:a|in)|sede (?:a|in)|ha sede (?:a|in)|sede legale (?:a|in))"
    r"\s+((?:[A-ZÀ-Ý][\w’']+\s?){1,4})"
)


def _resolve_date(match: re.Match[str], page_date: str | None) -> str | None:
    if match.group(1):
        return f"{match.group(1)}-{match.group(2)}-{match.group(3)}"
    day, month, year = int(match.group(4)), _MONTHS[match.group(5).lower()], match.group(6)
    if year is None:
        if not page_date or len(page_date) < 4:
            return None  # a day without a year, on a page without a date: nothing to resolve against
        year = page_date[:4]
        # "5 marzo" on a page of November points to next year's March
        if len(page_date) >= 7 and month < int(page_date[5:7]) - 6:
            year = str(int(year) + 1)
    try:
        return Date(int(year), month, day).isoformat()
    except ValueError:
        return None


def _dates_acts_places(draft: Draft) -> None:
    from kg.places import comune

    text = draft.text
    sentences = list(_sentences(text))

    def sentence_of(pos: int) -> tuple[int, int]:
        return next(((s, e) for s, e in sentences if s <= pos < e), (pos, pos))

    for match in _DATE.finditer(text):
        resolved = _resolve_date(match, draft.date)
        if not resolved:
            continue
        s, e = sentence_of(match.start())
        values = {"date": resolved, "as_written": match.group()}
        if _CLOSING.search(text[s : match.start()]) and re.search(
            r"\bband[oi]|\bcall\b|avviso", text[s:e], re.I
        ):
            draft.facts.append(Fact("call-closes", values, text[s:e], s, e))
        else:
            draft.facts.append(Fact("date", values, text[s:e], s, e))
    for match in _ACT.finditer(text):
        s, e = sentence_of(match.start())
        word = match.group(1).lower().replace(".", "")
        kind = (
            "deliberation"
            if word.startswith(("dgr", "delibera"))
            else "law"
            if word.startswith("legge")
            else "decree"
        )
        values = {"type": kind, "number": match.group(2)}
        if match.group(3):
            values["date_as_written"] = match.group(3)
        draft.facts.append(Fact("act", values, text[s:e], s, e))
    for match in _SEAT.finditer(text):
        words = match.group(1).split()
        for size in range(len(words), 0, -1):
            place = comune(" ".join(words[:size]))
            if place:
                s, e = sentence_of(match.start())
                draft.facts.append(Fact("seat", {"city": place.name, "istat": place.code}, text[s:e], s, e))
                break


# --------------------------------------------------------------------------- the draft


def ingest(
    page: Path | str,
    *,
    url: str,
    data: Path | str = "data",
    date: str | None = None,
    publisher: str | None = None,
) -> Draft:
    """Propose the records one press release states, matched against the data.

    Parameters
    ----------
    page : pathlib.Path or str
        The page's text (``.txt``) or HTML (``.html``).
    url : str
        The page's own URL (the source to cite).
    data : pathlib.Path or str, default "data"
        The data directory whose organisations, clusters and people are matched.
    date : str, optional
        The page's date (YYYY, YYYY-MM or YYYY-MM-DD); days without a year resolve against it.
    publisher : str, optional
        The publisher, for a new source record.

    Returns
    -------
    Draft
        The proposals, each with its evidence; see `to_yaml` and `to_markdown`.

    Raises
    ------
    KgError
        When the page cannot be read (see `read_page`) or the data does not load.
    """
    from kg.model import load_data, parse_date
    from kg.model.records import check_url

    page = Path(page)
    try:
        check_url(url)
        if date is not None:
            date = str(parse_date(date))
    except ValueError as error:
        raise KgError(
            [Problem(None, None, "--url" if "URL" in str(error) else "--date", str(error))]
        ) from None
    text, title = read_page(page)
    dataset = load_data(data)
    known = next((s for s in dataset.sources if s.url == url), None)
    source_id = known.id if known else slugify(f"{publisher or ''} {date or ''} {page.stem}")[:80].strip("-")
    draft = Draft(
        url,
        title or (known.title if known else None),
        text,
        source_id,
        known is not None,
        publisher,
        date or (str(known.date) if known and known.date else None),
        None,
    )
    draft.mentions = _mentions(text, _index(dataset))
    counts = Counter(m.id for m in draft.mentions if m.kind == "cluster")
    draft.cluster = counts.most_common(1)[0][0] if counts else None
    governments = sorted(
        (o.id for o in dataset.organisations if o.type == "regional-government"),
        key=lambda key: "giunta" not in key,
    )  # an assessore sits in the Giunta
    government = governments[0] if governments else None
    _roles(draft, government)
    for mention in draft.mentions:
        if mention.id is None:
            s, e = next(((s, e) for s, e in _sentences(text) if s <= mention.start < e), (0, 0))
            draft.facts.append(
                Fact("organisation", {"label": mention.text, "id": slugify(mention.text)}, text[s:e], s, e)
            )
    _dates_acts_places(draft)
    return draft


def _evidence(fact: Fact) -> dict[str, object]:
    return {"quote": " ".join(fact.quote.split()), "start": fact.start, "end": fact.end}


def to_yaml(draft: Draft) -> str:
    """The draft in data/'s format: every proposal ``draft: true`` with its ``evidence``."""
    import yaml

    cite = [draft.source_id]
    doc: dict[str, object] = {}
    if not draft.known_source:
        source: dict[str, object] = {
            "id": draft.source_id,
            "url": draft.url,
            "title": draft.title or f"[{draft.url}]",
            "publisher": draft.publisher or "?",
        }
        if draft.date:
            source["date"] = draft.date
        doc["sources"] = [{**source, "draft": True}]
    new_orgs = {}
    for fact in draft.facts:
        if fact.kind == "organisation" and fact.values["id"] not in new_orgs:
            label = fact.values["label"]
            kind = (
                "university"
                if re.match(r"Universit|Politecnico", label)
                else "foundation"
                if label.startswith("Fondazione")
                else "chamber-of-commerce"
                if label.startswith("Camera di Commercio")
                else "education-provider"
                if label.startswith("ITS")
                else "local-authority"
                if label.startswith("Comune di")
                else "organisation"
            )
            new_orgs[fact.values["id"]] = {
                "id": fact.values["id"],
                "label": label,
                "type": kind,
                "sources": cite,
                "draft": True,
                "evidence": _evidence(fact),
            }
    if new_orgs:
        doc["organisations"] = list(new_orgs.values())
    members = [f for f in draft.facts if f.kind == "membership"]
    if members:
        doc["memberships"] = [
            {**f.values, "sources": cite, "draft": True, "evidence": _evidence(f)} for f in members
        ]
    posts = [f for f in draft.facts if f.kind == "post" and f.values["person"]]
    if posts:
        doc["posts"] = [{**f.values, "sources": cite, "draft": True, "evidence": _evidence(f)} for f in posts]
    acts = []
    for fact in draft.facts:
        if fact.kind == "act":
            acts.append(
                {
                    "id": slugify(f"{fact.values['type']} {fact.values['number']}"),
                    "type": fact.values["type"],
                    "label": f"[{fact.values['type']} n. {fact.values['number']}]",
                    "number": fact.values["number"],
                    "concerns": [draft.cluster] if draft.cluster else [],
                    "sources": cite,
                    "draft": True,
                    "evidence": _evidence(fact),
                }
            )
        elif fact.kind == "call-closes":
            acts.append(
                {
                    "id": slugify(f"bando {draft.source_id}")[:80],
                    "type": "call",
                    "label": "[bando]",
                    "closes": fact.values["date"],
                    "concerns": [draft.cluster] if draft.cluster else [],
                    "sources": cite,
                    "draft": True,
                    "evidence": _evidence(fact),
                }
            )
    if acts:
        doc["acts"] = acts
    header = [
        f"# Draft by kg ingest from {draft.url}",
        "# Review each record against its evidence; delete 'draft: true' from those you keep,",
        "# delete the others; then move them to their files (docs/CURATING.md) and run kg validate.",
    ]
    known = sorted({f"{m.kind} {m.id}" for m in draft.mentions if m.id})
    header += [f"# named and known: {', '.join(known)}"] if known else []
    other = [f for f in draft.facts if f.kind in ("date", "seat")]
    for fact in other:
        header.append(
            f"# {fact.kind}: {', '.join(f'{k}={v}' for k, v in fact.values.items())} "
            f"(chars {fact.start}-{fact.end})"
        )

    class _Plain(yaml.SafeDumper):
        def ignore_aliases(self, data: object) -> bool:  # the same sources list, written out each time
            return True

    body = yaml.dump(doc, Dumper=_Plain, sort_keys=False, allow_unicode=True, width=110)
    return "\n".join(header) + "\n" + body


def to_markdown(draft: Draft) -> str:
    """The proposals as a review table (Markdown), one row per fact."""
    from kg.tables import render

    rows = [
        [
            f.kind,
            ", ".join(f"{k}: {v}" for k, v in f.values.items()),
            f"{f.start}-{f.end}",
            " ".join(f.quote.split()),
        ]
        for f in draft.facts
    ]
    heading = f"**{draft.title or draft.url}** ({draft.url})\n\n"
    return heading + render(["fact", "proposal", "chars", "evidence"], rows, "md")


def write_draft(draft: Draft, out: Path | str) -> Path:
    """Write `to_yaml` of the draft to ``out`` atomically (see `kg.files.atomic_write`)."""
    from kg.files import atomic_write

    return atomic_write(out, to_yaml(draft))


def run(
    page: Path | str,
    *,
    url: str,
    data: Path | str = "data",
    date: str | None = None,
    publisher: str | None = None,
    out: Path | str | None = None,
    fmt: str = "yaml",
) -> str:
    """`kg ingest`: the draft (written to ``out`` when given) and what to print.

    Returns the YAML draft or the Markdown review table (``fmt="md"``); with ``out``, the
    draft is written there atomically and the returned text says where and how much.
    """
    draft = ingest(page, url=url, data=data, date=date, publisher=publisher)
    text = to_markdown(draft) if fmt == "md" else to_yaml(draft)
    if out is None:
        return text
    written = write_draft(draft, out)
    counts = Counter(f.kind for f in draft.facts)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    return (text + "\n" if fmt == "md" else "") + f"{written}: draft with {summary or 'no proposals'}"
