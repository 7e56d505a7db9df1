"""Text preparation that never moves a character.

The original decoded text is kept as it is for provenance. Matching runs on a *view* of the
same length: full-width forms folded by NFKC where that maps one character to one character,
and web-page debris (breadcrumbs, 打印/纠错/分享/扫一扫/字号 bars) blanked out with spaces.
Every offset found in the view is therefore an offset in the original.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Lines that are page furniture, not report text. Matched against a whole stripped line.
_DEBRIS_LINE = re.compile(
    r"^(?:"
    r"(?:您(?:当前)?所在(?:的)?位置|当前位置|首页\s*[>›»]).*"          # breadcrumbs
    r"|.*(?:【?\s*字号\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中).*"  # 字号 大 中 小
    r"|[【\[]?\s*(?:字号|字体)\s*[:：]?\s*[\[【(（]?\s*[大中小默认\]】)）\[【(（\s|]*"  # 字号: [小][大]
    r"|(?:[【\[]?\s*(?:打印(?:本页|正文|文章|此页)?|关闭(?:窗口|本页)?|纠错|分享(?:到)?|扫一扫(?:在手机打开当前页)?|"
    r"收藏|返回顶部|保存本页|我要纠错|微信|微博|QQ空间|视力保护色|默认|加入收藏|设为首页)\s*[】\]]?[\s|｜/:：]*)+"
    r"|(?:上一篇|下一篇|相关(?:链接|阅读|文章|新闻)|责任编辑|浏览(?:次数|量)|访问量|网站地图|版权所有|"
    r"主办单位|承办单位|技术支持|ICP备|网站标识码|公网安备|联系我们|扫一扫|附件下载|分享到|视力保护色).*"
    r"|[|｜/\\·•>›»_\-—=*\s]+"                                        # rules and empty table cells
    r"|(?:\.{0,2}/|https?://|www\.)[\w./?=&%#:~+-]+"                       # stray links and file names
    r"|(?:发布时间|发表时间|发布日期|更新时间|生成日期|成文日期|信息来源|来源|索\s*引\s*号|文\s*号|发文字号|发布机构|"
    r"主题分类|体裁分类|公开方式|公开时限|公开范围|所属分类|效力状态|内容概述|标\s*题)(?:[:：]|\s).*"  # page metadata
    r")$"
)


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Every BMP character whose NFKC form is one other character (full-width forms, compatibility
    ideographs, ideographic space …), CJK unified ideographs left as they are. Built once per
    process (~0.1 s); `str.translate` then folds a report in well under a millisecond."""
    table = {}
    for cp in range(0x80, 0x10000):
        if 0x4E00 <= cp <= 0x9FFF or 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        folded = unicodedata.normalize("NFKC", ch)
        if len(folded) == 1 and folded != ch:
            table[cp] = folded
    return table


@lru_cache(maxsize=1)
def _foldable() -> re.Pattern:
    """One character class of every character `_fold_table` folds."""
    cps = sorted(_fold_table())
    ranges: list[list[int]] = []
    for cp in cps:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return re.compile("[" + "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                                    for a, b in ranges) + "]")


def normalize(text: str) -> str:
    """Fold full-width letters, digits and punctuation (，→, ％→%) one character at a time, so the
    result has exactly the length and offsets of the input.

    A report holds a few dozen distinct foldable characters among thousands of others: replacing
    each of them throughout is much cheaper than `str.translate`, which looks up every character
    (and the result is the same: a folded character never folds again, NFKC being idempotent)."""
    if text.isascii():
        return text
    table = _fold_table()
    for ch in set(_foldable().findall(text)):
        text = text.replace(ch, table[ord(ch)])
    return text


def is_debris(line: str) -> bool:
    s = line.strip()
    return bool(s) and len(s) < 120 and bool(_DEBRIS_LINE.match(s))


def mask_debris(view: str) -> str:
    """Blank every debris line with spaces (same length), leaving report text where it was."""
    out = []
    for line in view.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out.append(" " * len(body) + line[len(body):] if is_debris(body) else line)
    return "".join(out)


@lru_cache(maxsize=2)
def matching_views(text: str) -> tuple[str, str]:
    """(folded, view) of a document: `normalize(text)` and that with debris blanked. Both have the
    original's offsets. Cached for the last documents, because reading a file checks the view
    (is it a report?) and extraction then needs the same one."""
    folded = normalize(text)
    return folded, mask_debris(folded)


def clean_text(text: str) -> str:
    """Decoded text → the document text kept as original: line endings unified, NULs dropped."""
    return (text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").replace("\ufeff", "")
            .replace("\f", "\n"))


# Where government CMSs put the article body (TRS, Hanweb, Founder and hand-made pages).
_CONTENT_SELECTORS = ("#zoom", "#Zoom", ".TRS_Editor", ".TRS_UEDITOR", "#UCAP-CONTENT", ".pages_content", ".article",
                      "article", ".article-content", ".content", "#content", ".detail", ".view", ".news_content",
                      ".wz_content", ".main-txt", ".con", ".text", "#text", ".zw", "#zw")
_PAGE_FACT = re.compile(r"(?:发布时间|发表时间|发布日期|成文日期|生成日期|来源|信息来源|文\s*号|发文字号|发文机关|发布机构|"
                        r"索\s*引\s*号|标\s*题)\s*[:：]?")
_BLOCKS = "p, div, br, li, h1, h2, h3, h4, h5, h6, tr, table, section, article, td, dd, dt"


def _cjk(s: str) -> int:
    return sum(1 for c in s if "\u4e00" <= c <= "\u9fff")


def _node_text(node) -> str:
    for child in node.css(_BLOCKS):
        child.insert_after("\n")
    text = node.text(separator="", strip=False)
    lines = [re.sub(r"[ \t\u3000\xa0]+", " ", ln).strip() for ln in text.splitlines()]
    return "\n".join(ln for ln in lines if ln)


def html_to_text(html: str, path=None) -> str:
    """Body text of a government web page: scripts, styles, navigation, headers and footers dropped.

    Where the page has a recognisable article container holding most of its text, only that is
    kept, preceded by the page's title and its metadata lines (发布时间, 文号, 来源 …), which
    CMSs print outside the article; sidebars of other reports' titles are left behind."""
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(html)
    for sel in ("script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "select",
                "button", "svg", "[class*=nav]", "[class*=menu]", "[class*=breadcrumb]", "[class*=share]",
                "[class*=footer]", "[id*=footer]", "[class*=header]", "[id*=nav]"):
        for node in tree.css(sel):
            if node.tag not in ("header",) and sel.startswith("[") and (
                    node.css_first("h1") is not None or _PAGE_FACT.search(node.text(strip=True)[:400] or "")):
                continue  # a "header" class holding the article's title or date is part of the article
            node.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else ""
    full = _node_text(root)
    best, best_cjk = None, 0
    for sel in _CONTENT_SELECTORS:
        for node in tree.css(sel):
            n = _cjk(node.text(strip=True))
            if n > best_cjk:
                best, best_cjk = node, n
    body = full
    if best is not None and best_cjk >= 100 and best_cjk >= 0.5 * _cjk(full):
        article = _node_text(best)
        first = article.splitlines()[0] if article else ""
        cut = full.find(first) if first else -1
        before = full[:cut].splitlines() if cut > 0 else []
        h1 = tree.css_first("h1")
        keep = [ln for ln in before if _PAGE_FACT.match(ln) and len(ln) < 160]
        if h1 is not None and h1.text(strip=True):
            keep.insert(0, h1.text(strip=True))
        body = "\n".join(keep + [article])
    title = re.split(r"\s*(?:[_|｜]|\s[-—]\s)", title)[0].strip()  # 报告标题_某某县人民政府 → 报告标题
    if title and title not in body[:1000]:
        body = title + "\n" + body
    return body


# --- Aho-Corasick over UTF-16 code units ---------------------------------------------------------
# pyahocorasick finds a character among a trie node's children one by one; with the hundreds of
# first characters of a Chinese vocabulary every step at the root is slow. Keys and texts are
# therefore written as their UTF-16 code units, each as two Latin-1 characters: a node then has at
# most 256 children. A match is real only where it starts on a character's first byte.

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def as_units(s: str) -> str:
    """`s` as UTF-16 code units written as two Latin-1 characters each (a key or a text for
    `iter_units`)."""
    return s.encode("utf-16-be", "surrogatepass").decode("latin-1")


def iter_units(automaton, text: str) -> list[tuple[int, object]]:
    """(end offset in `text`, value) of every key of an automaton whose keys were added with
    `as_units`: the same matches, in the same order, as the automaton's `iter` over the text itself."""
    astral = [m.start() for m in _ASTRAL.finditer(text)] if not text.isascii() else []
    if not astral:  # a match is real where it began on a character's first byte, i.e. ends on an odd one
        return [((e - 1) // 2, value) for e, value in automaton.iter(as_units(text)) if e % 2]
    # Characters beyond the BMP take two code units: the i-th of them ends at unit astral[i] + i + 2.
    ends = [a + i + 2 for i, a in enumerate(astral)]
    return [((e + 1) // 2 - bisect.bisect_right(ends, (e + 1) // 2) - 1, value)
            for e, value in automaton.iter(as_units(text)) if e % 2]


@dataclass(frozen=True)
class Sentence:
    id: int
    start: int
    end: int


_SENT_END = re.compile(r"[。！？!?；;]+|\n+")
# A sentence as `split_sentences` delimits it, blanks trimmed: from a character that is neither
# blank nor a break, to the last such character before the next break, then any spaces and the run
# of 。！？； that closes it; or a bare run of 。！？； (where only blanks stood before it).
_SENTENCE = re.compile(r"[^\s。！？!?；;](?:[^。！？!?；;\n]*[^\s。！？!?；;])?(?:[^\S\n]*[。！？!?；;]+)?|[。！？!?；;]+")


def split_sentences(view: str) -> list[Sentence]:
    """Sentences of the view: split at 。！？； and line breaks; spans exclude surrounding blanks.

    One regex pass finds the trimmed sentences themselves (the same spans as splitting at
    `_SENT_END` and trimming each piece)."""
    return [Sentence(i, m.start(), m.end()) for i, m in enumerate(_SENTENCE.finditer(view))]
