"""Names in an article → the ids book.yaml gives them (people, organisations); never new ids."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

_ALNUM = re.compile(r"[^0-9a-z]+")


def _key(text: str) -> str:
    return _ALNUM.sub("", text.lower())


def slug(text: str) -> str:
    return "-".join(w for w in re.split(r"[^0-9a-z]+", text.lower()) if w)


@dataclass
class BookIds:
    """The people and organisations of book.yaml, for looking names up."""

    people: list[dict[str, Any]] = field(default_factory=list)
    organizations: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_data(cls, data: Any) -> BookIds:
        if not isinstance(data, dict):
            return cls()
        people = [p for p in data.get("people") or [] if isinstance(p, dict) and isinstance(p.get("id"), str)]
        orgs = [o for o in data.get("organizations") or [] if isinstance(o, dict) and isinstance(o.get("id"), str)]
        return cls(people, orgs)

    def person(self, name: str) -> str | None:
        """The id of the person written ``name`` (family-given, given-family, or an alias)."""
        want = _key(name)
        for p in self.people:
            family, given = str(p.get("family") or ""), str(p.get("given") or "")
            forms = {family + given, given + family, *(str(a) for a in p.get("aliases") or [])}
            if want and want in {_key(f) for f in forms}:
                return str(p["id"])
        return None

    def organization(self, *evidence: str) -> str | None:
        """The organisation whose web host or name appears in any of ``evidence``."""
        text = " ".join(_key(e) for e in evidence if e)
        if not text:
            return None
        for org in self.organizations:
            for key in _org_keys(org):
                if len(key) >= 6 and key in text:
                    return str(org["id"])
        return None


def _org_keys(org: dict[str, Any]) -> list[str]:
    keys = []
    url = org.get("url")
    if isinstance(url, str) and url:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        keys += [_key(host), _key(host.rsplit(".", 1)[0])]
    name = org.get("name")
    if isinstance(name, str):
        keys.append(_key(name))
        keys += [_key(part) for part in re.findall(r"\(([^)]+)\)", name)]
    return [k for k in keys if k]
