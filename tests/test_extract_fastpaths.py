"""The fast paths of extraction give exactly what their plain definitions give.

Extraction was sped up by replacing per-character loops and repeated scans with one-pass regular
expressions, bisecting and automata over UTF-16 code units. Each test here sets a fast path beside
the straightforward definition it replaced and compares them on edge cases and on seeded random
text, so that a later change that breaks the equivalence fails here and not in a score.
"""
from __future__ import annotations

import gc
import random
import re

import ahocorasick
import pytest

from ingest import outcomes
from ingest.agencies import find_actors
from govkg.errors import InputError
from ingest.clean import _SENT_END, Sentence, _fold_table, as_units, iter_units, normalize, split_sentences
from ingest.initiatives import _BROKEN_PAIR, _broken_pairs
from ingest.pipeline import extract_file
from ingest.readers import _COMMON, _plausibility
from ingest.records import Evidence, Jurisdiction, MeasureMention


def _split_and_trim(view: str) -> list[Sentence]:
    """Sentences by their definition: split at 。！？； runs and line breaks, each piece trimmed."""
    out: list[Sentence] = []

    def add(start: int, end: int) -> None:
        while start < end and view[start].isspace():
            start += 1
        while end > start and view[end - 1].isspace():
            end -= 1
        if end > start:
            out.append(Sentence(len(out), start, end))

    pos = 0
    for m in _SENT_END.finditer(view):
        add(pos, m.end() if m.group().strip() else m.start())
        pos = m.end()
    add(pos, len(view))
    return out


def _random_texts(alphabet: list[str], n: int, longest: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, longest))) for _ in range(n)]


def test_normalize_folds_exactly_like_the_fold_table():
    every_bmp = "".join(chr(c) for c in range(0x80, 0x10000) if not 0xD800 <= c <= 0xDFFF)
    assert normalize(every_bmp) == every_bmp.translate(_fold_table())
    text = "２０２３年，办理案件１２件（同比增长５０％）；　Ｉ类ＡＰＰ。𠀀"
    assert normalize(text) == text.translate(_fold_table()) == "2023年,办理案件12件(同比增长50%); I类APP。𠀀"
    assert len(normalize(text)) == len(text)


@pytest.mark.parametrize("view", ["", " ", "\n\n", "。", "  。", "好。\n。", "甲 ；乙\n丙", "甲  。。乙", "\u3000甲\u3000\n",
                                  "甲\r\n乙", "？！", "甲\x0b。", "😀。甲"])
def test_sentences_are_the_trimmed_pieces(view):
    assert split_sentences(view) == _split_and_trim(view)


def test_sentences_on_random_text():
    alphabet = list("。！？!?；;\n \u3000\t\r\x0b\x0c\x1c\x85\u2028ab中文，,") + ["。\n", "  。", "😀"]
    for view in _random_texts(alphabet, 20000, 16, seed=9):
        assert split_sentences(view) == _split_and_trim(view), repr(view)


def test_automaton_over_code_units_finds_what_the_plain_automaton_finds():
    keys = ["宁夏", "银川", "银川市", "兴庆区", "市中区", "中区", "𠀀县", "县"]
    plain, units = ahocorasick.Automaton(), ahocorasick.Automaton()
    for k in keys:
        plain.add_word(k, k)
        units.add_word(as_units(k), k)
    plain.make_automaton()
    units.make_automaton()
    alphabet = ["宁夏", "银川市", "兴庆区", "市中区", "县", "中", "😀", "𠀀", "a", "\n"]
    for text in _random_texts(alphabet, 3000, 12, seed=4) + ["", "银川市😀兴庆区", "😀😀市中区"]:
        assert iter_units(units, text) == list(plain.iter(text)), repr(text)


def test_end_anchored_patterns_match_like_the_plain_regex():
    plain_verb_end = re.compile(outcomes._VERB_END.rx.pattern)
    plain_filler_end = re.compile(outcomes._FILLER_END_PATTERN)
    words = outcomes._VERBS[:80] + ["全区", "的", "了", "在", "存在", "以上的", "压缩到", "性", "\n", "率", "案件", "1"]
    for s in _random_texts(words, 20000, 6, seed=5):
        for fast, plain in ((outcomes._VERB_END, plain_verb_end), (outcomes._FILLER_END, plain_filler_end)):
            for a, b in ((fast.search(s), plain.search(s)), (fast.fullmatch(s), plain.fullmatch(s))):
                assert (a and a.span()) == (b and b.span()), repr(s)
            assert fast.sub("", s) == plain.sub("", s), repr(s)


def test_measure_link_nearest_in_clause_else_before_else_first():
    def mention(mid, *starts):
        return MeasureMention(id=mid, name=mid, mentions=[Evidence(sentence="", start=s, end=s + 2, sentence_id=3)
                                                          for s in starts])
    linker = outcomes._MeasureLinker([mention("M2", 10, 40), mention("M10", 22), mention("M7", 30)])
    assert linker.link(3, 25, 20, 35) == "M10"  # 22 and 30 in the clause: 22 is nearer
    assert linker.link(3, 26, 20, 35) == "M10"  # equally near: the smaller (id) tuple wins, as min() did
    assert linker.link(3, 38, 36, 39) == "M7"   # none in the clause: the nearest before
    assert linker.link(3, 5, 0, 8) == "M2"      # none before: the first after
    assert linker.link(4, 5, 0, 8) is None      # no measure in the sentence


def test_plausibility_counts_like_the_per_character_definition():
    def by_character(text: str) -> float:
        sample = text[:20000]
        if not sample:
            return 0.0
        common = sum(1 for c in sample if c in _COMMON)
        cjk = sum(1 for c in sample if "\u4e00" <= c <= "\u9fff")
        bad = sum(1 for c in sample if c == "\ufffd" or "\ue000" <= c <= "\uf8ff" or (ord(c) < 32 and c not in "\r\n\t\f"))
        if not cjk:
            return 0.5 if bad == 0 and sample.isprintable() else 0.0
        return common / cjk - 5 * bad / len(sample)

    rnd = random.Random(3)
    raws = [bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 400))) for _ in range(200)]
    raws += ["法治政府建设工作，依法行政\x01\ue001\ufffd".encode("gb18030")]
    for raw in raws:
        for enc in ("gb18030", "utf-16-le", "big5", "latin-1"):
            text = raw.decode(enc, errors="replace")
            assert _plausibility(text) == by_character(text)


def test_actor_of_the_own_region_comes_before_a_level_reading():
    # 市中区 is a county whose name starts with a level character: its own name is read first.
    j = Jurisdiction(province="山东省", city="济南市", county="市中区", adcode="370103")
    assert [n for n, _, _ in find_actors("市中区司法局印发了方案，市中区委召开会议。", j)] == ["市中区司法局", "市中区委"]
    assert [n for n, _, _ in find_actors("国务院办公厅、司法部和全国普法办部署😀，区司法局落实。")] == \
        ["国务院办公厅", "司法部", "全国普法办", "区司法局"]


def test_extraction_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("平罗县2023年度法治政府建设情况报告\n2023年，平罗县深入推进依法行政，行政复议案件48件，依法纠错率12.5%。\n"
                      "全面落实行政执法“三项制度”，推进法治宣传教育和普法工作，法治政府建设取得新成效。\n"
                      "二、存在的问题\n一是行政执法有待进一步规范；二是依法行政能力还有欠缺，基层法治力量仍然薄弱。\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text(" ", encoding="utf-8")
    assert gc.isenabled()
    assert extract_file(report).outcomes
    assert gc.isenabled()
    with pytest.raises(InputError):
        extract_file(empty)
    assert gc.isenabled()
    gc.disable()
    try:
        extract_file(report)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_broken_quote_pairs_are_the_matches_of_the_pattern():
    alphabet = ["”“", "”", "“", "法", "治", "宣", "传", "等", "的", "和", "、", "活动", "工作", "，", "。", "a", " "]
    for view in _random_texts(alphabet, 20000, 40, seed=2) + ["开展法律知识有奖竞答”“宪法朗读者”等活动"]:
        plain = [(m.group(1), m.end(1), m.group(2), m.start(2)) for m in _BROKEN_PAIR.finditer(view)]
        assert list(_broken_pairs(view)) == plain, repr(view)
