"""Readers: encodings, web-page debris, .docx, .pdf, and one clear line for every kind of bad file."""
from __future__ import annotations

import pytest

from govkg.errors import InputError
from ingest.clean import mask_debris, normalize, split_sentences
from ingest.pipeline import extract_file
from ingest.readers import decode_bytes, read_document, reflow_pdf_text

REPORT = (
    "平罗县2023年度法治政府建设情况报告\n"
    "2023年，平罗县坚持以习近平法治思想为指导，深入推进依法行政，扎实推进法治政府建设各项工作。\n"
    "一、主要工作情况\n"
    "（一）严格规范公正文明执法。全面落实行政执法“三项制度”，行政机关负责人出庭应诉率达到100%。\n"
    "（二）深化行政复议体制改革。办理行政复议案件48件，依法纠错率12.5%，推进法治宣传教育和普法工作。\n"
    "二、存在的问题\n"
    "一是行政执法有待进一步规范；二是依法行政能力还有欠缺。\n"
    "三、2024年工作计划\n"
    "（一）持续加强行政复议和行政应诉，全面推进严格规范公正文明执法。\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_every_common_encoding_decodes_to_the_same_text(tmp_path, encoding):
    path = tmp_path / f"report-{encoding}.txt"
    path.write_bytes(REPORT.encode(encoding))
    doc = read_document(path)
    assert doc.text == REPORT
    rec = extract_file(path)
    assert rec.jurisdiction.adcode == "640221"
    assert "M50" in {m.id for m in rec.measures}


def test_gbk_text_is_not_mistaken_for_utf16():
    text, enc = decode_bytes(REPORT.encode("gbk"), "x.txt")
    assert text == REPORT and enc == "gb18030"


def test_utf8_cut_off_inside_a_character_keeps_its_utf8_reading():
    raw = REPORT.encode("utf-8")[:-2]  # the final newline and half of the last character gone
    text, enc = decode_bytes(raw, "x.txt")
    assert enc == "utf-8" and text == REPORT[:-2]


def test_view_has_the_length_of_the_original_and_offsets_agree(tmp_path):
    path = tmp_path / "fullwidth.txt"
    path.write_text(REPORT.replace("100%", "１００％").replace("48件", "４８件"), encoding="utf-8")
    doc = read_document(path)
    view = mask_debris(normalize(doc.text))
    assert len(view) == len(doc.text)
    i = view.index("100%")
    assert doc.text[i:i + 4] == "１００％"
    for s in split_sentences(view):
        assert doc.text[s.start:s.end].strip()


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_平罗县人民政府</title></head>
<body>
<div class="top-nav"><a>首页</a><a>政务公开</a><a>互动交流</a></div>
<div class="position">您所在的位置：首页 &gt; 政务公开 &gt; 法治政府建设</div>
<div class="detail-header"><h1>{title}</h1><p>发布时间：2024-03-28 来源：平罗县司法局</p></div>
<div class="tools">【字号：大 中 小】 【打印】 【纠错】 【分享到】</div>
<div class="sidebar"><ul><li>XX县2021年法治政府建设情况报告</li></ul></div>
<div id="zoom">{body}</div>
<div>扫一扫在手机打开当前页</div>
<div class="footer">版权所有：平罗县人民政府 网站标识码6402210001</div>
</body></html>"""


def _page(title="平罗县2023年度法治政府建设情况报告"):
    body = "".join(f"<p>{ln}</p>" for ln in REPORT.splitlines()[1:])
    return PAGE.format(title=title, body=body)


def test_html_keeps_the_article_and_drops_page_furniture(tmp_path):
    path = tmp_path / "report.html"
    path.write_text(_page(), encoding="utf-8")
    rec = extract_file(path)
    doc = read_document(path)
    view = mask_debris(normalize(doc.text))
    for debris in ("【打印】", "【纠错】", "分享到", "扫一扫", "字号", "版权所有", "您所在的位置", "互动交流", "XX县2021年"):
        assert debris not in view, debris
    assert "一、主要工作情况" in view and "出庭应诉率达到100%" in view
    assert rec.title == "平罗县2023年度法治政府建设情况报告"
    assert rec.published == "2024-03-28"
    assert [s.role for s in rec.sections] == ["achievements", "problems", "plans"]


def test_html_in_gbk_with_a_meta_charset(tmp_path):
    path = tmp_path / "report-gbk.htm"
    path.write_bytes(_page().replace('charset="utf-8"', 'charset="gbk"').encode("gbk"))
    rec = extract_file(path)
    assert rec.jurisdiction.adcode == "640221" and rec.year == 2023


def test_docx_made_with_python_docx(tmp_path):
    import docx

    d = docx.Document()
    for ln in REPORT.splitlines():
        d.add_paragraph(ln)
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "牵头单位"
    table.rows[0].cells[1].text = "县司法局"
    path = tmp_path / "report.docx"
    d.save(str(path))
    doc = read_document(path)
    assert doc.encoding == "docx"
    assert "一、主要工作情况" in doc.text and "县司法局" in doc.text
    rec = extract_file(path)
    assert rec.title == "平罗县2023年度法治政府建设情况报告"
    assert len(rec.sections) == 3


def _pdf_with_text(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds `lines` (a Type0 font with a ToUnicode map, no glyphs)."""
    chars = sorted({c for ln in lines for c in ln})
    cid = {c: i + 1 for i, c in enumerate(chars)}
    content = "BT /F1 10 Tf 14 TL 40 800 Td\n" + "".join(
        "<" + "".join(f"{cid[c]:04X}" for c in ln) + "> Tj T*\n" for ln in lines) + "ET"
    bfchar = "".join(f"<{cid[c]:04X}> <{ord(c):04X}>\n" for c in chars)
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Test def "
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            f"{len(chars)} beginbfchar\n{bfchar}endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content.encode())} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type0 /BaseFont /TestSong /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestSong /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        f"<< /Length {len(cmap.encode())} >>\nstream\n{cmap}\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_pdf_with_a_text_layer_is_read_and_its_wrapped_lines_joined(tmp_path):
    lines = REPORT.splitlines()
    # Wrap the long lines the way a PDF does: hard breaks inside sentences.
    wrapped = []
    for ln in lines:
        wrapped.extend(ln[i:i + 24] for i in range(0, len(ln), 24))
    path = tmp_path / "report.pdf"
    path.write_bytes(_pdf_with_text(wrapped))
    doc = read_document(path)
    assert doc.encoding == "pdf"
    assert "全面落实行政执法“三项制度”，行政机关负责人出庭应诉率达到100%。" in doc.text
    rec = extract_file(path)
    assert rec.jurisdiction.adcode == "640221"
    assert [s.role for s in rec.sections] == ["achievements", "problems", "plans"]


def test_reflow_keeps_headings_and_drops_page_numbers():
    text = "（一）严格规范公正文明执法。全面落实行政执\n法“三项制度”。\n- 2 -\n二、存在的问题\n一是行政执法有待规范"
    assert reflow_pdf_text(text) == "（一）严格规范公正文明执法。全面落实行政执法“三项制度”。\n二、存在的问题\n一是行政执法有待规范"


@pytest.mark.parametrize("name,content,word", [
    ("empty.txt", b"   \n", "empty"),
    ("binary.txt", bytes(range(256)) * 40, "binary"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".docx"),
    ("broken.docx", b"PK\x03\x04" + b"\x13" * 900, "docx"),
    ("scan.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF", "pdf"),
    ("cut.html", "<html><head><title>平罗县2023年度法治政府建设情况报告</title></head><body><p>一、主要工作情".encode(),
     "truncated"),
    ("news.html", "<html><body><h1>我市举行春季运动会</h1><p>4月12日，我市第十届春季运动会在体育中心开幕。</p></body></html>"
     .encode(), "rule-of-law report"),
    ("login.html", "<html><body><form><p>用户登录</p><input name=u><p>密码</p></form></body></html>".encode(),
     "rule-of-law report"),
    ("budget.txt", ("2023年财政预算执行情况报告\n" + "全县一般公共预算收入完成12亿元，同比增长5%。" * 20).encode(),
     "rule-of-law report"),
])
def test_bad_files_fail_with_one_clear_line(tmp_path, name, content, word):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        extract_file(path)
    msg = str(info.value)
    assert name in msg and "\n" not in msg and len(msg) < 300
    assert word.lower() in info.value.problem.lower(), info.value.problem


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    import ingest.readers as readers

    monkeypatch.setattr(readers, "MAX_BYTES", 1024)
    path = tmp_path / "big.txt"
    path.write_bytes(REPORT.encode("utf-8") * 10)
    with pytest.raises(InputError, match="too large"):
        read_document(path)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=600),
                 st.text(max_size=200).flatmap(lambda t: st.sampled_from(["utf-8", "gb18030", "utf-16"]).map(
                     lambda enc: t.encode(enc, errors="ignore")))))
def test_any_bytes_decode_or_fail_with_an_input_error(raw):
    try:
        text, enc = decode_bytes(raw, "fuzz.txt")
    except InputError as e:
        assert e.problem
    else:
        assert isinstance(text, str) and enc
