"""Checks a built site's downloads and citation files with other tools than
atlas's own tests: the Frictionless validator reads data/datapackage.json
(the descriptor against the Data Package profile, every CSV against its
Table Schema, the primary and foreign keys), and Python's bibtexparser reads
every entry's cite.bib.

Usage: python3 .ci/check-data.py SITE_DIR

It needs no network: `.ci/run` installs frictionless and bibtexparser from
PyPI first, and runs this with proxies that refuse every request, so a
validator that tried to fetch a remote schema would fail here.
"""

import json
import re
import sys
from pathlib import Path

import bibtexparser
from frictionless import validate


# What the Data Package spec (v1) requires of names, which the validator
# does not check itself.
NAME = re.compile(r"^[a-z0-9._/-]+$")


def check_package(site: Path) -> list[str]:
    path = site / "data" / "datapackage.json"
    problems = []
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    names = [descriptor.get("name", "")] + [r.get("name", "") for r in descriptor["resources"]]
    problems += [f"datapackage: name {n!r} breaks the spec" for n in names if not NAME.match(n)]
    for r in descriptor["resources"]:
        missing = [k for k in ("path", "format", "mediatype", "encoding") if k not in r]
        if missing:
            problems.append(f"datapackage: {r['name']} has no {missing}")
    if not all(l.get("name") and l.get("path") for l in descriptor.get("licenses", [None])):
        problems.append("datapackage: no licence with a name and a path")
    report = validate(str(path))
    problems += [f"datapackage: {row}" for row in report.flatten(["type", "message"])]
    return problems


def check_bibtex(site: Path) -> tuple[int, list[str]]:
    problems = []
    files = sorted(site.glob("*/*/cite.bib"))
    for path in files:
        db = bibtexparser.loads(path.read_text(encoding="utf-8"))
        entries = db.entries
        if len(entries) != 1:
            problems.append(f"{path}: {len(entries)} entries")
            continue
        entry = entries[0]
        missing = [
            f for f in ("title", "author", "howpublished", "year", "url", "urldate", "note")
            if not entry.get(f)
        ]
        if entry["ENTRYTYPE"] != "misc" or missing:
            problems.append(f"{path}: type {entry['ENTRYTYPE']}, missing {missing}")
        folder = path.parent.relative_to(site).as_posix()
        if not entry["url"].endswith(f"/{folder}/"):
            problems.append(f"{path}: url {entry['url']}")
    return len(files), problems


def main() -> int:
    site = Path(sys.argv[1])
    problems = check_package(site)
    count, bib_problems = check_bibtex(site)
    problems += bib_problems
    if count < 250:
        problems.append(f"only {count} cite.bib files")
    for p in problems:
        print(p)
    checks = count + 1
    print(f"check-data: {checks - len(problems)} passed, {len(problems)} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
