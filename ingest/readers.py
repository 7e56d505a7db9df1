"""Decode report files (.txt in any common Chinese encoding, .html, .docx, .pdf) into text.

Each reader returns the body text; every failure is an `InputError` naming the file.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from govkg.errors import InputError
from ingest.records import Document

SUFFIXES = {".txt", ".text", ".htm", ".html", ".shtml", ".docx", ".pdf"}
MAX_BYTES = 20 * 1024 * 1024  # a report is a few hundred KB; anything this big is not one


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


def decode_bytes(raw: bytes, path) -> tuple[str, str]:
    """Text and encoding name of raw bytes: BOMs first, then strict UTF-8, GB18030, then detection."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in raw[:4096]:
        # UTF-16 without a BOM has a NUL in every other byte of ASCII; anything else with NULs is binary.
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = raw.decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return text, enc
        raise InputError(path, "binary data, not a text report")
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise InputError(path, "cannot tell the text encoding (not UTF-8, GB18030 or UTF-16)")
    return str(best), best.encoding


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for c in text[:2000] if (ord(c) < 32 and c not in "\r\n\t") or 0xD800 <= ord(c) <= 0xDFFF)
    return bad / min(len(text), 2000) < 0.02


def read_document(path) -> Document:
    """Read one report file into a `Document` (debris removed, offsets refer to `text`)."""
    from ingest.clean import clean_text, html_to_text

    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(path, f"{size / 1e6:.0f} MB is too large for a report (limit {MAX_BYTES // 2**20} MB)")
        raw = path.read_bytes()
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file") from None
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror or e}") from e
    if not raw.strip():
        raise InputError(path, "empty file")
    suffix = path.suffix.lower()
    if suffix == ".docx" or raw[:2] == b"PK" and suffix not in {".txt", ".html", ".htm"}:
        text, enc = _read_docx(path), "docx"
    elif suffix == ".pdf" or raw[:5] == b"%PDF-":
        text, enc = _read_pdf(path), "pdf"
    else:
        text, enc = decode_bytes(raw, path)
        if not _looks_like_text(text):
            raise InputError(path, "binary data, not a text report")
        head = text[:2000].lower()
        if suffix in {".htm", ".html", ".shtml"} or "<html" in head or "<body" in head or "<div" in head:
            text = html_to_text(text, path)
    text = clean_text(text)
    if not text.strip():
        raise InputError(path, "no text left after removing page debris")
    return Document(doc=path.name, source=str(path), text=text, encoding=enc,
                    content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest())


def _read_docx(path: Path) -> str:
    import zipfile

    try:
        import docx

        d = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InputError(path, f"corrupt or unreadable .docx ({e.__class__.__name__})") from e
    except Exception as e:  # python-docx raises assorted errors for damaged packages
        raise InputError(path, f"corrupt or unreadable .docx ({e.__class__.__name__}: {e})") from e
    lines = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _read_pdf(path: Path) -> str:
    try:
        from pdfminer.high_level import extract_text

        text = extract_text(str(path))
    except Exception as e:  # pdfminer raises many exception types for damaged files
        raise InputError(path, f"corrupt or unreadable PDF ({e.__class__.__name__})") from e
    if len(text.strip()) < 20:
        raise InputError(path, "PDF has no text layer (a scan?); run OCR first")
    return text
