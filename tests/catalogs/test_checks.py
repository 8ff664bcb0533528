"""Each QA check has a failing and a passing case; correct Chinese is never flagged."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Message

from publish.catalogs.checks import CHECKS, Context
from publish.catalogs.glossary import Glossary, Term

GLOSSARY = Glossary((Term(en="Ruijin Hospital", zh_Hans="瑞金医院", zh_Hant="瑞金醫院", kind="institution"),
                     Term(en="megakaryocyte", zh_Hans="巨核细胞", zh_Hant="巨核細胞")))


def findings(source: str, target: str, locale: str = "zh_Hans", fuzzy: bool = False) -> set[str]:
    message = Message(source, target, flags=["fuzzy"] if fuzzy else [])
    ctx = Context(locale, GLOSSARY)
    return {f"{f.severity}:{f.check}" for check in CHECKS for f in check(message, ctx)}


# (check, source, bad translation, good translation, locale)
CASES = [
    ("error:numbers", "In 1988 the paper was cited 1,713 times.", "该论文被引用多次。",
     "1988年，该论文被引用1713次。", "zh_Hans"),
    ("error:numbers", "It covers 5.37 million concepts and 100,000 yuan.", "涵盖大量概念。",
     "涵盖537万个概念和10万元。", "zh_Hans"),
    ("warning:numbers", "95% of patients joined.", "百分之九十五的患者参加了。", "95%的患者参加了。", "zh_Hans"),
    ("error:numbers", "In the 1980s, the field took root.", "该领域扎根。",
     "20世纪80年代，该领域在中国扎根。", "zh_Hans"),
    ("error:markup", "A paper in *Blood*.", "一篇发表于Blood的论文。", "一篇发表于《Blood》的论文。", "zh_Hans"),
    ("error:markup", "See [the site](https://example.org).", "见网站。", "见[网站](https://example.org)。",
     "zh_Hans"),
    ("error:markup", "Hello.", "你好<img src=x onerror=alert(1)>。", "你好。", "zh_Hans"),
    ("warning:glossary", "He joined Ruijin Hospital.", "他加入了瑞金病院。", "他加入了瑞金医院。", "zh_Hans"),
    ("warning:glossary", "Megakaryocyte culture.", "巨核細胞培養。", "巨核細胞培養。", "zh_Hans"),
    ("error:punctuation", "Yes, indeed.", "是的,确实.", "是的，确实。", "zh_Hans"),
    ("error:punctuation", "The “Shanghai Protocol”.", "“上海方案”。", "「上海方案」。", "zh_Hant"),
    ("error:script", "Hospital", "醫院", "医院", "zh_Hans"),
    ("error:script", "Hospital", "医院", "醫院", "zh_Hant"),
    ("error:whitespace", "Hello ", "你好", "你好 ", "zh_Hans"),
    ("warning:untranslated", "Hello", "", "你好", "zh_Hans"),
    ("error:characters", "Hello.", "你好\x07。", "你好。", "zh_Hans"),
    ("error:characters", "Dose: 5 mg.", "剂量\u202e：gm 5。", "剂量：5 mg。", "zh_Hans"),
    ("error:characters", "Hello.", "你\ufffd好。", "你好。", "zh_Hans"),
    ("error:characters", "Hello.", "你好\ue000。", "你好。", "zh_Hant"),
    ("warning:characters", "See the site.", "见" + "x" * 61 + "。",
     "见网站。", "zh_Hans"),
]


@pytest.mark.parametrize(("check", "source", "bad", "good", "locale"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_check_fails_on_bad_and_passes_on_good(check: str, source: str, bad: str, good: str,
                                               locale: str) -> None:
    if check == "warning:glossary" and bad == good:  # zh_Hant text in a zh_Hans catalogue: glossary is per locale
        assert check in findings(source, bad, "zh_Hans")
        assert check not in findings(source, good, "zh_Hant")
        return
    assert check in findings(source, bad, locale)
    assert check not in findings(source, good, locale)


def test_fuzzy_is_listed() -> None:
    assert "warning:fuzzy" in findings("Hello", "你好", fuzzy=True)


@pytest.mark.parametrize("target", [
    "2012年，李军民出任瑞金医院血液科主任。",
    "他说：“我们的目标是把科学洞见变成实实在在的希望。”",
    "急性早幼粒细胞白血病（APL）的“上海方案”",
    "病房为10,000级洁净病房，共有8000张床位。",
    "在第3届中国质量奖评选中获得提名；35年的从医生涯。",
])
def test_correct_chinese_is_not_flagged(target: str) -> None:
    sources = {
        0: "In 2012, Li Junmin became Director of the Department of Hematology at Ruijin Hospital.",
        1: "He said: “Our goal is to turn scientific insight into tangible hope.”",
        2: "the “Shanghai Protocol” for acute promyelocytic leukemia (APL)",
        3: "The ward is a 10,000-Class clean ward with 8,000 beds.",
        4: "nominated for the 3rd China Quality Award; a 35-year career.",
    }
    source = next(s for i, s in sources.items() if [
        "2012年", "他说", "急性", "病房", "第3届"][i] in target)
    assert {f for f in findings(source, target) if f.startswith("error")} == set()


# Found while reviewing the sample book's zh_Hant catalogues: Taiwan's standard forms (臨床, 群, 病灶),
# characters that are their own Traditional form (獲准, 台灣), phrase over-reach (申請了專利) and
# Traditional myriads (萬/億) were reported as errors.
@pytest.mark.parametrize(("source", "target"), [
    ("clinical work and 8,000 beds", "臨床工作與8000張床位"),
    ("a patient support group", "病友群"),
    ("the lesion", "病灶"),
    ("approved for publication", "獲准出版"),
    ("he patented it", "他申請了專利"),
    ("100,000 yuan and 5.37 million concepts", "10萬元和537萬個概念"),
    ("96 million articles", "9600萬篇文獻"),
])
def test_correct_taiwan_chinese_is_not_flagged(source: str, target: str) -> None:
    assert {f for f in findings(source, target, "zh_Hant") if f.startswith("error")} == set()


def test_simplified_characters_in_zh_hant_are_still_caught() -> None:
    assert "error:script" in findings("clinical medicine", "臨床医学", "zh_Hant")
    assert "error:numbers" in findings("100,000 yuan", "很多錢", "zh_Hant")
