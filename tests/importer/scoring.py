"""Per-field agreement of an imported profile with the curated one, field by field.

Texts are compared after a light normalisation (case, quotation marks, white space, a final full
stop), since the curated profiles also repair typography; two texts agree when difflib's ratio is at
least 0.9. A list field scores the share of items that agree, in order, out of the longer list, so
missing and extra items both cost. A field that neither profile has is not scored.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

AGREE = 0.9
FIELDS = ("name", "headline", "credentials", "section headings", "interview turns", "source fields")


def load(path: Path) -> dict[str, Any]:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def norm(text: object) -> str:
    if isinstance(text, list):
        text = " ".join(map(str, text))
    text = re.sub(r"[\"“”‘’'`*]", "", str(text)).casefold()
    return re.sub(r"\s+", " ", text).strip().rstrip(".")


def agree(a: object, b: object) -> bool:
    return difflib.SequenceMatcher(None, norm(a), norm(b)).ratio() >= AGREE


def list_score(got: list[Any], want: list[Any]) -> float | None:
    if not got and not want:
        return None
    matched, start = 0, 0
    for item in want:
        for j in range(start, len(got)):
            if agree(got[j], item):
                matched, start = matched + 1, j + 1
                break
    return matched / max(len(got), len(want))


def _person(p: dict[str, Any]) -> list[Any]:
    person = p.get("person") or {}
    return [person.get("family"), person.get("given"), person.get("honorific")]


def _credentials(p: dict[str, Any]) -> list[str]:
    cred = p.get("credentials") or {}
    out = [*cred.get("degrees", []), *cred.get("titles", []), *cred.get("summary", [])]
    for lst in cred.get("lists", []):
        out += [f"{lst['kind']}: {lst.get('heading')}", *lst["items"]]
    return out


def _turns(p: dict[str, Any]) -> list[Any]:
    ex = (p.get("interview") or {}).get("exchanges", [])
    return [part for e in ex for part in (e["question"], e["answer"])]


def _source(got: dict[str, Any], want: dict[str, Any]) -> float | None:
    g, w = got.get("source") or {}, want.get("source") or {}
    keys = sorted(set(g) | set(w))
    return sum(str(g.get(k)) == str(w.get(k)) for k in keys) / len(keys) if keys else None


def scores(got: dict[str, Any], want: dict[str, Any]) -> dict[str, float | None]:
    gp, wp = _person(got), _person(want)
    return {
        "name": sum(a == b for a, b in zip(gp, wp, strict=True)) / 3,
        "headline": 1.0 if got.get("headline") and agree(got["headline"], want.get("headline", "")) else 0.0,
        "credentials": list_score(_credentials(got), _credentials(want)),
        "section headings": list_score([s["heading"] for s in got.get("sections", [])],
                                       [s["heading"] for s in want.get("sections", [])]),
        "interview turns": list_score(_turns(got), _turns(want)),
        "source fields": _source(got, want),
    }


def table(rows: dict[str, dict[str, float | None]], coverage: dict[str, float]) -> str:
    head = f"{'article':<15}{'sentences':>10}" + "".join(f"{f:>18}" for f in FIELDS)
    lines = [head]
    for name, row in rows.items():
        cells = "".join(f"{'—' if row[f] is None else f'{row[f]:.0%}':>18}" for f in FIELDS)
        lines.append(f"{name:<15}{coverage[name]:>10.1%}{cells}")
    return "\n".join(lines)
