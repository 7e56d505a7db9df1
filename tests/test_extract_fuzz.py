"""Property: no text, however odd, crashes the extractor, and every offset it gives is valid."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.pipeline import extract_document
from ingest.records import Document

# Pieces real reports are made of, so that the rules actually fire on generated text.
PIECES = ["一、", "二、", "(一)", "1.", "一是", "下一步工作计划", "存在的问题", "办理", "行政复议案件", "件", "项", "个",
          "%", "％", "万", "亿元", "余", "以上", "近", "约", "同比增加", "由", "扩大到", "至", "分别", "均达", "率",
          "、", "，", "。", "；", "“", "”", "《", "》", "(", ")", "\n", " ", "1.5", "100", "2020年", "12348",
          "两", "十九届", "四清单一办法", "塞上枫桥", "合法性审查", "重大行政决策", "规范性文件", "l00%", "·",
          "3+X", "”“", "谁", "好不好", "\u3000", "\r\n", "\x00", "\ufeff"]

chinese_text = st.lists(st.sampled_from(PIECES) | st.integers(0, 99999).map(str), max_size=80).map("".join)


def _check(text: str) -> None:
    rec = extract_document(Document(doc="fuzz.txt", source="fuzz.txt", text=text))
    n = len(text)
    for o in rec.outcomes:
        assert o.where is not None and 0 <= o.where.start <= o.where.end <= n
        assert o.evidence in text
        assert o.value == o.value  # not NaN
    for m in rec.measures:
        for ev in m.mentions:
            assert 0 <= ev.start < ev.end <= n
    for i in rec.initiatives:
        assert i.where is not None and 0 <= i.where.start <= i.where.end <= n
    rec.to_output()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_crashes(text):
    _check(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chinese_text)
def test_report_like_text_never_crashes(text):
    _check(text)
