"""Precision and recall of `kg ingest` on stored press releases that data/ already covers.

The answer key of a page is every membership (cluster, organisation, role) and post (person,
role, organisation) in data/ that cites the page and whose organisation (for a membership) or
person (for a post) the stored text names. A proposal is judged when it is about records data/
knows; proposals about new (draft) organisations cannot be in the key and are counted apart.

    python bench/ingest_eval.py            # the table, per page and overall
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "fixtures" / "ingest"


def _named(text: str, names: list[str]) -> bool:
    from kg.names import bare_name

    folded = f" {bare_name(text)} "
    return any(f" {bare_name(n)} " in folded for n in names if bare_name(n))


def evaluate(data: Path = ROOT / "data") -> list[dict[str, object]]:
    """One row per page (and a last row, ``overall``): key size, proposals, hits, precision, recall."""
    from kg.ingest import ingest
    from kg.model import load_data

    dataset = load_data(data)
    names: dict[str, list[str]] = {}
    for org in [*dataset.organisations, *dataset.clusters]:
        names[org.id] = [org.label, *(org.alt_labels), *([org.label_en] if org.label_en else [])]
    for person in dataset.people:
        names[person.id] = [person.name, *person.alt_labels]
    index = yaml.safe_load((PAGES / "index.yaml").read_text())["pages"]
    rows: list[dict[str, object]] = []
    total = {"key": 0, "proposed": 0, "hits": 0, "new": 0, "org_key": 0, "org_hits": 0}
    for page in index:
        source = dataset.source_for(page["source"])
        text = (PAGES / "pages" / f"{page['source']}.txt").read_text()
        key: set[tuple[str, ...]] = set()
        for owner in [*dataset.clusters, *dataset.organisations]:
            for m in owner.members:
                if source.id in m.sources and _named(text, names.get(m.organisation, [])):
                    key.add(("membership", owner.id, m.organisation, m.role))
        for person in dataset.people:
            for post in person.posts:
                if source.id in post.sources and _named(text, names[person.id]):
                    key.add(("post", person.id, post.role, post.organisation))
        draft = ingest(
            PAGES / "pages" / f"{page['source']}.txt",
            url=page["url"],
            data=data,
            date=str(page["date"]) if page.get("date") else None,
        )
        known = {m.id for m in draft.mentions if m.id}
        proposed: set[tuple[str, ...]] = set()
        new = 0
        for fact in draft.facts:
            v = fact.values
            if fact.kind == "membership":
                if v["organisation"] in known:
                    proposed.add(("membership", v["cluster"], v["organisation"], v["role"]))
                else:
                    new += 1
            elif fact.kind == "post" and v["person"]:
                proposed.add(("post", v["person"], v["role"], v["organisation"]))
        hits = len(key & proposed)
        members = {k for k in key if k[0] == "membership"}
        row = {
            "page": page["source"],
            "key": len(key),
            "org_key": len(members),
            "org_hits": len(members & proposed),
            "proposed": len(proposed),
            "hits": hits,
            "new": new,
            "precision": hits / len(proposed) if proposed else 1.0,
            "recall": hits / len(key) if key else 1.0,
            "missed": sorted(key - proposed),
            "wrong": sorted(proposed - key),
        }
        rows.append(row)
        for k in total:
            total[k] += int(row[k])  # type: ignore[call-overload]
    rows.append(
        {
            "page": "overall",
            **total,
            "precision": total["hits"] / total["proposed"] if total["proposed"] else 1.0,
            "recall": total["hits"] / total["key"] if total["key"] else 1.0,
            "missed": [],
            "wrong": [],
        }
    )
    for row in rows:
        row["org_recall"] = row["org_hits"] / row["org_key"] if row["org_key"] else 1.0  # type: ignore[operator]
    return rows


def main() -> None:
    rows = evaluate()
    print(
        "| page | in key | proposed | correct | new-org proposals | precision | recall | memberships found |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['page']} | {r['key']} | {r['proposed']} | {r['hits']} | {r['new']} "
            f"| {r['precision']:.2f} | {r['recall']:.2f} | {r['org_hits']}/{r['org_key']} |"
        )
    if "-v" in sys.argv:
        for r in rows:
            for item in r["missed"]:  # type: ignore[attr-defined]
                print("missed", r["page"], item)
            for item in r["wrong"]:  # type: ignore[attr-defined]
                print("wrong ", r["page"], item)


if __name__ == "__main__":
    main()
