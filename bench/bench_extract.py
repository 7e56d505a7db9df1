"""Extraction speed on one core: reports/s and MB/s over the sample reports, repeated.

    python bench/bench_extract.py [PATH ...] [--seconds 5] [--stages]

Files are read and decoded once (reading is not extraction); then `extract_document` runs over
them again and again in this one process until `--seconds` have passed, and the rate is the
median of the rounds. Rounds are timed in CPU time of this process (`time.process_time`), so
that other work on a shared machine does not count; wall-clock figures are printed alongside.
`--stages` also times each stage on its own (CPU time).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.pipeline import extract_document  # noqa: E402
from ingest.readers import iter_report_files, read_document  # noqa: E402
from ingest.taxonomy import load_taxonomy  # noqa: E402


def _default_paths() -> list[Path]:
    shared = ROOT.parent / "shared" / "sample-reports"
    return [shared if shared.exists() else ROOT / "data" / "reports"]


STAGES = ["read", "view", "metadata", "sentences", "sections", "measures", "outcomes", "initiatives", "agencies",
          "problems"]


def _stages(docs, taxonomy) -> dict[str, float]:
    """Seconds per stage over one pass of all documents, the stages as `extract_document` runs them
    (reading is timed apart: `read_document` on each file again), with the garbage collector paused
    per document as `extract_document` pauses it."""
    from ingest.outcomes import fixed_terms_of
    from ingest.pipeline import _collector_paused

    t = dict.fromkeys(STAGES, 0.0)
    fixed = fixed_terms_of(taxonomy)
    for d in docs:
        with _collector_paused():
            marks = _stage_marks(d, taxonomy, fixed)
        for k, a, b in zip(STAGES, marks, marks[1:]):
            t[k] += b - a
    return t


def _stage_marks(d, taxonomy, fixed) -> list[float]:
    """CPU clock readings before the first stage of one document and after each stage."""
    from ingest.agencies import find_agencies
    from ingest.clean import mask_debris, normalize, split_sentences
    from ingest.initiatives import find_initiatives
    from ingest.measures import find_measures
    from ingest.metadata import read_metadata
    from ingest.outcomes import find_outcomes
    from ingest.problems import find_problems
    from ingest.sections import find_sections

    clock = time.process_time
    marks = [clock()]
    read_document(d.source)
    marks.append(clock())
    normal = normalize(d.text)
    view = mask_debris(normal)
    marks.append(clock())
    meta = read_metadata(normal)
    marks.append(clock())
    sents = split_sentences(view)
    marks.append(clock())
    secs = find_sections(view, meta.kind, meta.year)
    marks.append(clock())
    ms = find_measures(view, d.text, sents, secs, taxonomy)
    marks.append(clock())
    find_outcomes(view, d.text, sents, secs, ms, meta.kind, fixed_terms=fixed)
    marks.append(clock())
    find_initiatives(view, d.text, sents, secs, ms, taxonomy)
    marks.append(clock())
    find_agencies(view, d.text, sents, ms, jurisdiction=meta.jurisdiction)
    marks.append(clock())
    find_problems(view, d.text, sents, secs, ms)
    marks.append(clock())
    return marks


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--seconds", type=float, default=5.0, help="how long to keep repeating (default 5)")
    ap.add_argument("--stages", action="store_true", help="also time each stage")
    args = ap.parse_args()

    files = iter_report_files(args.paths or _default_paths())
    docs = [read_document(f) for f in files]
    if not docs:
        print("bench_extract: no report files found", file=sys.stderr)
        return 2
    taxonomy = load_taxonomy()
    size_mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    for d in docs:  # warm up: automata, regexes, caches
        extract_document(d, taxonomy)
    rounds: list[float] = []
    walls: list[float] = []
    start = time.perf_counter()
    while time.perf_counter() - start < args.seconds or len(rounds) < 3:
        t0, w0 = time.process_time(), time.perf_counter()
        for d in docs:
            extract_document(d, taxonomy)
        rounds.append(time.process_time() - t0)
        walls.append(time.perf_counter() - w0)
    per_round = statistics.median(rounds)
    wall = statistics.median(walls)
    n = len(docs)
    print(f"extract_document, one core: {len(rounds)} rounds over {n} reports ({size_mb * 1000:.0f} kB UTF-8, "
          f"{n * len(rounds)} extractions)")
    print(f"  {n / per_round:,.0f} reports/s   {size_mb / per_round:.2f} MB/s   "
          f"{per_round / n * 1000:.2f} ms/report (CPU time, median round {per_round * 1000:.1f} ms)")
    print(f"  wall clock: {n / wall:,.0f} reports/s   {size_mb / wall:.2f} MB/s")
    if args.stages:
        t = _stages(docs, taxonomy)
        total = sum(t.values())
        print("  stages (one pass): " + ", ".join(f"{k} {v / n * 1000:.2f} ms ({v / total:.0%})" for k, v in t.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
