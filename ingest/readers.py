"""Decode report files (.txt in any common Chinese encoding, .html, .docx, .pdf) into text.

Each reader returns the body text; every failure is an `InputError` naming the file and saying
what is wrong with it in one line. The text a reader returns is the document's text for good:
every offset found later points into it.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from govkg.errors import InputError
from ingest.records import Document

SUFFIXES = {".txt", ".text", ".htm", ".html", ".shtml", ".docx", ".pdf"}
MAX_BYTES = 20 * 1024 * 1024  # a report is a few hundred KB; anything this big is not one
MIN_CJK = 100       # fewer Chinese characters than this is a fragment, not a report
MIN_LEGAL_TERMS = 3  # a rule-of-law report uses its vocabulary dozens of times
_HEAD_CHARS = 6000  # check_report counts this much of a text first

_HTML_SUFFIXES = {".htm", ".html", ".shtml"}
_LEGAL_TERMS = re.compile(r"法治|依法|法制|执法|司法|普法|行政复议|行政诉讼|应诉|法律|规范性文件|依法行政|法规|规章")
# Frequent characters of Chinese official prose: a right decoding is full of them, a wrong one is not.
_COMMON = set("的是在和了有为对于以及中与等进一步工作法治政府建设行政依部门制度管理服务推进开展加强全面落实完善人员")
# Counting with regular expressions (runs of other characters deleted) instead of a loop per character.
_NOT_COMMON = re.compile("[^" + "".join(sorted(_COMMON)) + "]+")
_NOT_CJK = re.compile("[^\u4e00-\u9fff]+")
_UNREADABLE = re.compile("[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0e-\x1f]")  # replacement, private use, controls


def iter_report_files(paths) -> list[Path]:
    """Report files named by `paths`; folders are read recursively, in a stable order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                              and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        elif p.exists():
            out.append(p)
        else:
            raise InputError(p, "no such file or folder")
    return out


# --- plain text ---------------------------------------------------------------------------------

def _plausibility(text: str) -> float:
    """How much a decoded text looks like Chinese prose (share of frequent characters), 0…1."""
    sample = text[:20000]
    if not sample:
        return 0.0
    common = len(_NOT_COMMON.sub("", sample))
    cjk = len(_NOT_CJK.sub("", sample))
    bad = len(_UNREADABLE.findall(sample))
    if not cjk:
        return 0.5 if bad == 0 and sample.isprintable() else 0.0
    return common / cjk - 5 * bad / len(sample)


def decode_bytes(raw: bytes, path) -> tuple[str, str]:
    """Text and encoding name of raw bytes.

    A byte-order mark decides; otherwise strict UTF-8, GB18030 (a superset of GBK and GB2312) and
    UTF-16 without a BOM are tried, and the decoding that reads most like Chinese prose wins. A
    UTF-8 file cut off in the middle of a character keeps its UTF-8 reading."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        if e.start >= len(raw) - 3:  # a truncated final character
            return raw[:e.start].decode("utf-8"), "utf-8"
    candidates: list[tuple[float, str, str]] = []
    for enc in ("gb18030", "utf-16-le", "utf-16-be", "big5"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text), text, enc))
    if b"\x00" in raw[:4096] and not any(enc.startswith("utf-16") for _, _, enc in candidates):
        raise InputError(path, "binary data, not a text report")
    if candidates:
        score, text, enc = max(candidates, key=lambda c: c[0])
        if score > 0.05:
            return text, enc
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or _plausibility(str(best)) <= 0.05:
        raise InputError(path, "binary data, or text in a mixed or unknown encoding (not wholly UTF-8, GB18030/GBK or UTF-16)")
    return str(best), best.encoding


# Control characters (other than line breaks and tabs), lone surrogates and replacement characters.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ud800-\udfff\ufffd]")


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    sample = text[:4000]
    bad = len(_BAD_CHARS.findall(sample))
    return bad / len(sample) < 0.02


# --- the file as a whole -----------------------------------------------------------------------

def read_document(path) -> Document:
    """Read one report file into a `Document` (offsets found later refer to `Document.text`)."""
    from ingest.clean import clean_text, html_to_text

    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(path, f"{size / 2**20:.0f} MB is too large for a report "
                                   f"(limit {MAX_BYTES // 2**20} MB); is it an archive or a scan?")
        raw = path.read_bytes()
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file") from None
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror or e}") from e
    if not raw.strip():
        raise InputError(path, "empty file")
    suffix = path.suffix.lower()
    is_html = False
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(path, "old Word/WPS binary format (.doc/.wps): save it as .docx or PDF first")
    if suffix == ".docx" or raw[:2] == b"PK" and suffix not in {".txt", ".text"} | _HTML_SUFFIXES:
        text, enc = _read_docx(path), "docx"
    elif suffix == ".pdf" or raw[:5] == b"%PDF-":
        text, enc = _read_pdf(path), "pdf"
    else:
        text, enc = decode_bytes(raw, path)
        if not _looks_like_text(text):
            raise InputError(path, "binary data, not a text report")
        head = text[:3000].lower()
        if suffix in _HTML_SUFFIXES or re.search(r"<(?:!doctype html|html|body|div|p)[\s>]", head):
            is_html = True
            truncated = not re.search(r"</(?:html|body)\s*>", text[-3000:].lower())
            text = html_to_text(text, path)
    text = clean_text(text)
    check_report(text, path, truncated_html=is_html and truncated)
    return Document(doc=path.name, source=str(path), text=text, encoding=enc,
                    content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest())


def check_report(text: str, path, truncated_html: bool = False) -> None:
    """Raise `InputError` unless the text reads like a rule-of-law report, plan or work points.

    The test is deliberately plain: enough Chinese text, and the vocabulary every such document
    repeats (法治, 依法, 执法, 行政复议 …) at least a few times. A news item about a sports day or
    a login page fails it; any real 法治政府建设 report passes it many times over."""
    from ingest.clean import matching_views

    view = matching_views(text)[1]
    # The thresholds are low: counting the opening of a report usually settles them, and only a
    # text that may fail is counted in full (the message gives the full counts).
    head = view[:_HEAD_CHARS]
    cjk = len(_NOT_CJK.sub("", head))
    terms = len(_LEGAL_TERMS.findall(head))
    if len(view) > len(head) and (cjk < (20 * MIN_CJK if truncated_html else MIN_CJK) or terms < MIN_LEGAL_TERMS):
        cjk = len(_NOT_CJK.sub("", view))
        terms = len(_LEGAL_TERMS.findall(view))
    if truncated_html and cjk < 20 * MIN_CJK:
        raise InputError(path, f"truncated HTML page (no closing </html>, {cjk} Chinese characters of text); "
                               f"download it again")
    if cjk < MIN_CJK or terms < MIN_LEGAL_TERMS:
        from ingest.metadata import find_title

        title = find_title([ln for ln in view.splitlines() if ln.strip()])
        what = f"title “{title[:30]}”" if title else "no report or plan title"
        raise InputError(path, f"does not look like a rule-of-law report ({what}, {cjk} Chinese characters, "
                               f"{terms} rule-of-law terms)")


# --- .docx and .pdf ----------------------------------------------------------------------------

def _read_docx(path: Path) -> str:
    import zipfile

    try:
        import docx

        d = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InputError(path, f"corrupt or unreadable .docx ({e.__class__.__name__}); open and re-save it") from e
    except Exception as e:  # python-docx raises assorted errors for damaged packages
        raise InputError(path, f"corrupt or unreadable .docx ({e.__class__.__name__}); open and re-save it") from e
    lines = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:  # merged cells repeat: keep each text once per row
                if not cells or cell.text != cells[-1]:
                    cells.append(cell.text)
            lines.append("\t".join(cells))
    return "\n".join(lines)


_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4}|\d{1,4})\s*$")
_LINE_START_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.．、]|"
                                 r"[一二三四五六七八九十]是|第[一二三四五六七八九十]+|附件|牵头单位|责任单位|配合单位)")


def reflow_pdf_text(text: str) -> str:
    """Undo a PDF's hard line wrapping: a line that fills the text width continues on the next one,
    unless it ends a sentence or the next starts a heading; page numbers and form feeds go."""
    lines = [ln.strip() for ln in text.replace("\f", "\n").splitlines()]
    # A wrapped line fills the width; a shorter one (a title, a heading, a paragraph's end) ends there.
    lengths = sorted(len(ln) for ln in lines if ln)
    full = lengths[int(len(lengths) * 0.75)] if lengths else 0
    out: list[str] = []
    last_len = 0  # length of the last physical line added to out[-1]
    for ln in lines:
        if _PAGE_NUMBER.match(ln):
            continue
        if not ln:
            if out and out[-1] != "":
                out.append("")
            continue
        if (out and out[-1] and full and last_len >= 0.85 * full and not re.search(r"[。！？；：:!?;”」）)]$", out[-1])
                and not _LINE_START_HEADING.match(ln)):
            out[-1] += ln
        else:
            out.append(ln)
        last_len = len(ln)
    return "\n".join(ln for ln in out if ln)


def _read_pdf(path: Path) -> str:
    try:
        from pdfminer.high_level import extract_text

        text = extract_text(str(path))
    except Exception as e:  # pdfminer raises many exception types for damaged files
        raise InputError(path, f"corrupt or unreadable PDF ({e.__class__.__name__})") from e
    if len(re.sub(r"\s", "", text)) < 20:
        raise InputError(path, "PDF has no text layer (a scan?); run OCR first")
    if text.count("(cid:") > 20 and text.count("(cid:") * 8 > len(text) / 4:
        raise InputError(path, "PDF text layer is unreadable (fonts without a Unicode map); run OCR first")
    return reflow_pdf_text(text)
