"""Licences on rights records (tests/roots/licensed): the gate's ND / SA / NC rules, located, and a
release that carries the licence everywhere (copyright page, dc:rights, ONIX, manifest, download page)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from ruamel.yaml import YAML

from conftest import ROOTS, SAMPLE_EPOCH, project_at
from publish.release import gate
from publish.sources import check_book, load_book

NS = {"o": "http://ns.editeur.org/onix/3.0/reference"}


def licensed(where: Path, **changes: object) -> Path:
    root = where / "books" / "licensed"
    shutil.copytree(ROOTS / "licensed", root)
    (where / "publish.toml").write_text("[project]\n", encoding="utf-8")
    yaml = YAML()
    data = yaml.load((root / "book.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    with (root / "book.yaml").open("w", encoding="utf-8") as fp:
        yaml.dump(data, fp)
    return root


def _profile(root: Path, pid: str, **rights: str) -> None:
    path = root / "profiles" / f"{pid}.yaml"
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    data["rights"].update(rights)
    with path.open("w", encoding="utf-8") as fp:
        yaml.dump(data, fp)


def test_nd_refuses_the_chinese_edition_located(tmp_path: Path) -> None:
    root = licensed(tmp_path)
    problems = gate.licences(load_book(root), ())
    assert len(problems) == 1, [p.format() for p in problems]
    problem = problems[0]
    assert problem.location.path.endswith("profiles/li-ming.yaml") and problem.location.line == 39
    assert "CC BY-ND 4.0" in problem.message and "zh-Hans" in problem.message and "zh_Hans" in problem.message
    assert gate.licences(load_book(root), ("li-ming",)) == []       # left out: nothing to refuse


def test_sa_needs_the_same_licence_on_the_edition(tmp_path: Path) -> None:
    root = licensed(tmp_path, licence="CC-BY-4.0")
    problems = [p for p in gate.licences(load_book(root), ("li-ming",))]
    assert {p.message.split(":")[0] for p in problems} == {"edition en", "edition zh-Hans"}
    assert all("share-alike" in p.message and "CC-BY-SA-4.0" in p.message for p in problems)
    assert all(p.location.path.endswith("book.yaml") and p.location.line == 11 for p in problems)


def test_nc_flags_priced_products(tmp_path: Path) -> None:
    root = licensed(tmp_path, licence="CC-BY-NC-SA-4.0")
    _profile(root, "wang-fang", licence="CC-BY-NC-SA-4.0")
    problems = gate.licences(load_book(root), ("li-ming",))
    priced = sorted(p.message.split(": the ")[1].split(" format")[0] + "@" + p.message.split(":")[0]
                    for p in problems)
    assert priced == ["epub@edition en", "epub@edition zh-Hans", "print@edition en", "print@edition zh-Hans"]
    assert all("non-commercial" in p.message and p.location.line for p in problems)


def test_an_unknown_licence_is_a_located_source_error(tmp_path: Path) -> None:
    root = licensed(tmp_path)
    _profile(root, "wang-fang", licence="CC-BY-SA-3.5")
    _, problems = check_book(root)
    errors = [p for p in problems if p.is_error]
    assert len(errors) == 1 and "unknown licence 'CC-BY-SA-3.5'" in errors[0].message
    assert errors[0].location.path.endswith("wang-fang.yaml") and errors[0].location.line


@pytest.mark.slow
def test_a_cc_by_sa_release_carries_its_licence_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.release.bundle import ReleaseOptions, release

    root = licensed(tmp_path)
    yaml = YAML()
    data = yaml.load((root / "book.yaml").read_text(encoding="utf-8"))
    data["editions"] = [e for e in data["editions"] if e["id"] == "en"]
    with (root / "book.yaml").open("w", encoding="utf-8") as fp:
        yaml.dump(data, fp)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SAMPLE_EPOCH)
    done = release(project_at(tmp_path), root, ReleaseOptions("1.0.0", out=tmp_path / "dist"))
    assert done.problems == ()
    folder = done.folder
    url = "https://creativecommons.org/licenses/by-sa/4.0/"
    with zipfile.ZipFile(folder / "licensed-en-1.0.0.epub") as z:
        opf = z.read("EPUB/content.opf").decode("utf-8")
        copyright_page = z.read("EPUB/copyright.xhtml").decode("utf-8")
    rights = ET.fromstring(opf).find("{*}metadata/{http://purl.org/dc/elements/1.1/}rights")
    assert rights is not None and "CC BY-SA 4.0" in (rights.text or "") and url in (rights.text or "")
    assert "This edition is published under the CC BY-SA 4.0 licence: " + url in copyright_page
    assert "“Wang Fang”, Example Wiki contributors" in copyright_page and "CC BY-ND 4.0" in copyright_page
    onix = ET.fromstring((folder / "onix.xml").read_bytes())
    for product in onix.findall("o:Product", NS):
        digital = product.findtext("o:DescriptiveDetail/o:ProductForm", "", NS) == "ED"
        link = product.findtext("o:DescriptiveDetail/o:EpubLicense/o:EpubLicenseExpression/"
                                "o:EpubLicenseExpressionLink", "", NS)
        assert (link == url) == digital
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["licences"]["editions"]["en"]["spdx"] == "CC-BY-SA-4.0"
    assert manifest["licences"]["profiles"]["wang-fang"]["attribution"].startswith("“Wang Fang”")
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "Edition en: CC BY-SA 4.0" in page and "Profile li-ming: CC BY-ND 4.0" in page
