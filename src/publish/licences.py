"""The content licences a rights record or an edition may name, by SPDX identifier, and what they allow.

Only the Creative Commons 4.0 family and CC0 are known (https://spdx.org/licenses/): each is BY
(attribution), SA (share-alike), NC (non-commercial) and ND (no derivatives) as its name says. The
release gate reads these flags (:mod:`publish.release.gate`): ND forbids translated and bilingual
editions of the profile, SA requires the edition's own licence to be one its terms accept, NC flags a
priced product.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    spdx: str
    name: str
    url: str

    @property
    def short(self) -> str:
        """``CC BY-SA 4.0``."""
        if self.spdx == "CC0-1.0":
            return "CC0 1.0"
        return "CC " + self.spdx.removeprefix("CC-").removesuffix("-4.0") + " 4.0"

    @property
    def by(self) -> bool:
        return "-BY" in self.spdx

    @property
    def sa(self) -> bool:
        return self.spdx.endswith("-SA-4.0")

    @property
    def nc(self) -> bool:
        return "-NC" in self.spdx

    @property
    def nd(self) -> bool:
        return "-ND" in self.spdx


def _cc(code: str, words: str) -> Licence:
    slug = code.lower()
    return Licence(f"CC-{code}-4.0", f"Creative Commons {words} 4.0 International",
                   f"https://creativecommons.org/licenses/{slug}/4.0/")


LICENCES: dict[str, Licence] = {lic.spdx: lic for lic in (
    _cc("BY", "Attribution"),
    _cc("BY-SA", "Attribution-ShareAlike"),
    _cc("BY-NC", "Attribution-NonCommercial"),
    _cc("BY-NC-SA", "Attribution-NonCommercial-ShareAlike"),
    _cc("BY-ND", "Attribution-NoDerivatives"),
    _cc("BY-NC-ND", "Attribution-NonCommercial-NoDerivatives"),
    Licence("CC0-1.0", "Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
)}


def compatible(source: Licence, edition: Licence | None) -> bool:
    """Whether an adaptation of ``source`` may be released under ``edition`` (share-alike: the same
    licence; CC's compatibility list adds nothing within the CC 4.0 family)."""
    if not source.sa:
        return True
    return edition is not None and edition.spdx == source.spdx
