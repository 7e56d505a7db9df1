"""Grow the measure taxonomy: terms that recur like measures but are not in it, and accepting them.

`suggest_terms` reads decoded documents and proposes three kinds of candidates:

- *phrases*: runs of two to four words (jieba segmentation, only of the sentences that contain a
  measure head word) that end in such a head word (制度, 机制, 改革, 审查, 清单, 调解 …), e.g.
  律师调解制度, 公正文明执法;
- *keywords*: jieba's TF-IDF keywords of each document (`jieba.analyse.extract_tags`);
- *quoted* terms (“法治体检”) that the initiative rules would not take for a slogan.

A candidate that is a taxonomy form, contains one or lies inside one is already known and is
dropped. Candidates are ranked by how many documents use them, then how often. jieba is imported
only here (about 1 s to load), never on the extraction path.

`accept_term` writes an accepted term into `measures.tsv`: as an alias of an existing measure,
or as a new measure with the next free id.
"""
from __future__ import annotations

import csv
import io
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from govkg.config import TAXONOMY_DIR
from govkg.errors import GovkgError
from ingest.clean import mask_debris, normalize, split_sentences
from ingest.records import Document
from ingest.taxonomy import Taxonomy, load_taxonomy

# Words a measure name typically ends with.
HEAD_WORDS = ("制度", "机制", "改革", "审查", "审核", "评估", "清单", "建设", "监督", "调解", "服务", "管理", "考核",
              "备案", "公开", "公示", "培训", "宣传", "化解", "整治", "试点", "平台", "体系", "工作法", "行动",
              "工程", "规划", "办法", "责任制", "普法", "执法", "听证", "救助", "帮教", "矫正", "审批", "许可")
_HEAD = re.compile("|".join(sorted(HEAD_WORDS, key=len, reverse=True)))
_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")
_QUOTED = re.compile(r"“([^”\n]{2,16})”")
# Words that make a phrase a description rather than a name.
_NOISE = re.compile(r"^(?:进一步|加强|推进|推动|深化|完善|健全|全面|积极|持续|不断|切实|严格|认真|扎实|大力|开展|落实|"
                    r"建立|提升|提高|强化|规范|做好|抓好|坚持|我区|我县|我市|全区|全县|全市|各级|各类|各|相关|有关|将|对|的|年|"
                    r"在|为|了|和|与|及|把|向|从|由|以|其|该|本|等|进行|依法|加快|有效)")
# A phrase whose words before the head word are themselves generic says nothing (工作制度, 制度体系).
_GENERIC_PREFIX = re.compile(r"^(?:工作|制度|体系|机制|文件|协调|年度|管理|建设|重点|领域|内部|公正文明|法治政府|"
                             r"全国法治政府|行政执法|执法|行政|服务|监督)$")


class TaxonomyEditError(GovkgError):
    """An accepted term cannot be written into the taxonomy; the message says why and what to do."""


@dataclass
class Suggestion:
    """A candidate term with how often it occurs and where.

    Attributes:
        term: the candidate as written.
        source: "phrase", "keyword" or "quoted".
        count: occurrences over all documents.
        docs: number of documents it occurs in.
        examples: up to three sentences it occurs in, each prefixed with its document name.
    """

    term: str
    source: str
    count: int = 0
    docs: int = 0
    examples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"term": self.term, "source": self.source, "count": self.count, "docs": self.docs,
                "examples": self.examples}


def _known_forms(taxonomy: Taxonomy) -> list[str]:
    return sorted({normalize(f) for m in taxonomy.measures for f in m.forms if len(f) >= 2}, key=len, reverse=True)


def _is_known(term: str, forms: list[str], stop: set[str]) -> bool:
    if term in stop:
        return True
    return any(f in term or term in f for f in forms)


def _jieba():
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    return jieba


def suggest_terms(docs: Iterable[Document], taxonomy: Taxonomy | None = None, *, top: int = 30,
                  min_docs: int = 2, min_count: int = 2, keywords_per_doc: int = 40) -> list[Suggestion]:
    """Candidate measure terms that recur in `docs` but are not in the taxonomy, best first.

    Args:
        docs: decoded documents (`ingest.readers.read_document`).
        taxonomy: the taxonomy to compare with (default: the project's).
        top: how many suggestions to return (0: all).
        min_docs: a candidate must occur in at least this many documents …
        min_count: … or at least this many times in all.
        keywords_per_doc: TF-IDF keywords taken from each document.
    """
    taxonomy = taxonomy or load_taxonomy()
    forms = _known_forms(taxonomy)
    stop = {normalize(s) for s in taxonomy.initiative_stoplist}
    jieba = _jieba()
    found: dict[str, Suggestion] = {}
    seen_in: dict[str, set[str]] = defaultdict(set)

    def note(term: str, source: str, doc: str, sentence: str) -> None:
        s = found.setdefault(term, Suggestion(term, source))
        s.count += 1
        seen_in[term].add(doc)
        if len(s.examples) < 3 and not any(e.endswith(sentence) for e in s.examples):
            s.examples.append(f"{doc}: {sentence}")

    for doc in docs:
        view = mask_debris(normalize(doc.text))
        sentences = [view[s.start:s.end] for s in split_sentences(view)]
        for sent in sentences:
            if not _HEAD.search(sent):
                continue
            words = [w for w in jieba.lcut(sent, HMM=False) if w.strip()]
            for i, w in enumerate(words):
                if not _HEAD.fullmatch(w) and not w.endswith(HEAD_WORDS):
                    continue
                for n in (2, 3, 4):
                    if i - n + 1 < 0:
                        break
                    phrase = "".join(words[i - n + 1:i + 1])
                    head = _HEAD.search(phrase, len(phrase) - 3)
                    prefix = phrase[:head.start()] if head else phrase
                    if 4 <= len(phrase) <= 14 and _CJK_ONLY.match(phrase) and not _NOISE.match(phrase) \
                            and not _GENERIC_PREFIX.match(prefix) and not _is_known(phrase, forms, stop):
                        note(phrase, "phrase", doc.doc, sent)
            for m in _QUOTED.finditer(sent):
                term = m.group(1).strip()
                if _CJK_ONLY.match(term) and len(term) >= 3 and not _is_known(term, forms, stop):
                    note(term, "quoted", doc.doc, sent)
        for kw in jieba.analyse.extract_tags(view, topK=keywords_per_doc):
            if len(kw) >= 3 and _CJK_ONLY.match(kw) and kw.endswith(HEAD_WORDS) and not _NOISE.match(kw) \
                    and not _is_known(kw, forms, stop):
                if kw not in found or found[kw].source == "keyword":
                    for s in sentences:
                        if kw in s:
                            note(kw, "keyword", doc.doc, s)
    out = []
    for term, s in found.items():
        s.docs = len(seen_in[term])
        if s.docs >= min_docs or s.count >= min_count:
            out.append(s)
    # Drop a phrase that only ever occurs inside a longer kept candidate with the same count.
    out.sort(key=lambda s: (-s.docs, -s.count, -len(s.term), s.term))
    kept: list[Suggestion] = []
    for s in out:
        if any(s.term in k.term and k.count >= s.count for k in kept):
            continue
        kept.append(s)
    return kept[:top] if top else kept


def accept_term(term: str, *, measure_id: str | None = None, name: str | None = None, domain: str | None = None,
                parent: str | None = None, folder: Path | str | None = None) -> str:
    """Write an accepted term into `measures.tsv`; return the measure id it now belongs to.

    With `measure_id` of an existing measure, the term becomes one of its aliases. Otherwise a new
    measure is added (id `measure_id`, or the next free M-number), named `name` (default: the term)
    in `domain` (required for a new measure, e.g. "D4 行政执法").
    """
    term = term.strip()
    if not term:
        raise TaxonomyEditError("the term to accept is empty; pass the term as written in the reports")
    path = Path(folder or TAXONOMY_DIR) / "measures.tsv"
    if not path.exists():
        raise TaxonomyEditError(f"{path}: no taxonomy file there; pass --taxonomy with the folder of measures.tsv")
    raw = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(raw), delimiter="\t"))
    header = raw.splitlines()[0].split("\t")
    key = normalize(term)
    for row in rows:
        forms = [row["measure"], *[a for a in (row.get("aliases") or "").split("|") if a]]
        if key in (normalize(f) for f in forms):
            raise TaxonomyEditError(f"{term!r} is already a form of {row['id']} {row['measure']} in {path}")
    by_id = {r["id"]: r for r in rows}
    if measure_id and measure_id in by_id:
        row = by_id[measure_id]
        aliases = [a for a in (row.get("aliases") or "").split("|") if a]
        row["aliases"] = "|".join([*aliases, term])
        new_id = measure_id
    else:
        if not domain:
            known = sorted({r["domain"] for r in rows if r.get("domain")})
            raise TaxonomyEditError(f"a new measure needs --domain (one of: {', '.join(known)}), "
                                    f"or --measure-id of an existing measure to add {term!r} as an alias")
        if parent and parent not in by_id:
            raise TaxonomyEditError(f"parent {parent} is not a measure id in {path}")
        if measure_id and not re.fullmatch(r"M\d+", measure_id):
            raise TaxonomyEditError(f"measure id {measure_id!r} should look like M140")
        numbers = [int(r["id"][1:]) for r in rows if re.fullmatch(r"M\d+", r["id"] or "")]
        new_id = measure_id or f"M{max(numbers, default=0) + 1}"
        rows.append({"id": new_id, "measure": name or term, "domain": domain, "parent": parent or "",
                     "aliases": term if (name and name != term) else ""})
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, delimiter="\t", lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    from ingest import taxonomy as _tax

    _tax._load.cache_clear()
    return new_id
