"""The fast paths of the catalog against plain reference computations.

A seeded random corpus (80 reports over 39 jurisdictions, undated reports, identical measure
sets, problem statements with and without a measure) is written into a real embedded store;
each query that computes only what its returned rows need (similar-regions' pruned pair search,
adoption-first-seen's measure-by-measure reading, problems' detail window, the listings served
from the incidence, region-profile's vectorised medians) is compared with a straightforward
computation from the store's own Cypher reads: every pair scored, every row built and sorted.
"""
from __future__ import annotations

import random
from collections import defaultdict

import numpy as np
import pytest

from graph.rows import report_rows, taxonomy_rows
from graph.schema import split_ids
from ingest.records import (Evidence, Jurisdiction, MeasureMention, Outcome, Problem, ReportRecord, Section)
from ingest.taxonomy import load_taxonomy
from queries import regions
from queries.catalog import run_query
from queries.incidence import invalidate
from tests.fixture_graph import build_fixture

ROLES = ("achievements", "problems", "plans", "targets", "other")
PROVINCES = {"11": "甲省", "12": "乙省", "13": "丙省"}


def _jurisdictions() -> list[Jurisdiction]:
    out = []
    for p, pname in PROVINCES.items():
        out.append(Jurisdiction(province=pname, adcode=f"{p}0000"))
        for c in range(1, 4):
            cname = f"{pname[0]}{c}市"
            out.append(Jurisdiction(province=pname, city=cname, adcode=f"{p}{c:02d}00"))
            for k in range(1, 4):
                out.append(Jurisdiction(province=pname, city=cname, county=f"{cname[:-1]}{k}县",
                                        adcode=f"{p}{c:02d}{k:02d}"))
    return out


def random_records(n: int = 80, seed: int = 5) -> list[ReportRecord]:
    rng = random.Random(seed)
    tax = load_taxonomy()
    measures = [m for m in tax.measures][:14]
    jurs = _jurisdictions()
    # a few fixed measure sets shared by many reports, so that regions tie on Jaccard similarity
    common = [rng.sample(measures, 6) for _ in range(3)]
    records = []
    for i in range(n):
        rid = f"T{i:03d}"
        jur = rng.choice(jurs)
        year = None if i % 23 == 5 else rng.randint(2019, 2023)
        chosen = rng.choice(common) if rng.random() < 0.4 else rng.sample(measures, rng.randint(0, 8))
        roles = rng.sample(ROLES, rng.randint(1, 3))
        secs = [Section(heading=f"第{k}部分", role=r, ordinal=k, start=k * 1000, end=k * 1000 + 999)
                for k, r in enumerate(roles)]
        ments = []
        for m in chosen:
            mm = MeasureMention(id=m.id, name=m.name, surface=[m.name])
            for k in rng.sample(range(len(roles)), rng.randint(1, len(roles))):
                sid = k * 20 + rng.randint(0, 5)
                text = f"{rid}第{sid}句：推进{m.name}。"
                mm.mentions.append(Evidence(sentence=text, start=k * 1000 + sid * 10, end=k * 1000 + sid * 10 + 4,
                                            sentence_id=sid, section=k, role=roles[k]))
                mm.evidence.append(text)
                if roles[k] not in mm.roles:
                    mm.roles.append(roles[k])
            ments.append(mm)
        outcomes = []
        for j in range(rng.randint(0, 4)):
            k = rng.randrange(len(roles))
            ind, unit = rng.choice([("出庭应诉率", "%"), ("复议纠错率", "%"), ("执法案件数", "件")])
            value = float(rng.choice([60, 75, 80, 80, 92.5, 100, 120]))
            sid = k * 20 + (rng.randint(0, 5) if rng.random() < 0.5 else 10 + j)  # often beside a measure
            text = f"{rid}第{sid}句：{ind}为{value}{unit}。"
            outcomes.append(Outcome(indicator=ind, value=value, unit=unit, kind="rate" if unit == "%" else "count",
                                    is_target=roles[k] in ("plans", "targets"), evidence=f"{ind}{value}{unit}",
                                    # every other outcome quantifies a measure of the report (no draw:
                                    # the random stream, and so the corpus, stay as they were)
                                    measure=chosen[j % len(chosen)].id if chosen and j % 2 == 0 else None,
                                    where=Evidence(sentence=text, start=k * 1000 + sid * 10 + 5,
                                                   end=k * 1000 + sid * 10 + 9, sentence_id=sid, section=k,
                                                   role=roles[k])))
        problems = []
        for j in range(rng.randint(0, 3)):
            text = rng.choice(["执法不够规范。", "复议能力不足。", "基层力量薄弱。"])
            about = [m.id for m in rng.sample(measures, rng.randint(0, 2))]
            problems.append(Problem(text=text, measures=about,
                                    where=Evidence(sentence=text, start=5000 + j * 10, end=5000 + j * 10 + 5,
                                                   sentence_id=90 + j, section=0, role="problems")))
        records.append(ReportRecord(doc=rid, source=f"random/{rid}", content_hash=f"hash-{rid}",
                                    text_length=3000 + i, title=f"{rid} 报告", kind="annual_report",
                                    jurisdiction=jur, year=year, sections=secs, measures=ments,
                                    outcomes=outcomes, problems=problems,
                                    issuer=None if i % 7 == 0 else f"{jur.name}人民政府"))
    return records


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    from graph.ladybug_store import LadybugStore

    path = tmp_path_factory.mktemp("random") / "random.lbdb"
    store = LadybugStore(path)
    store.ensure_schema()
    store.write_taxonomy(taxonomy_rows(load_taxonomy()))
    for rec in random_records():
        assert store.write_report(report_rows(rec)) == "added"
    store.close()
    return path


@pytest.fixture
def corpus(corpus_db):
    from graph.ladybug_store import LadybugStore

    store = LadybugStore(corpus_db, read_only=True)
    invalidate(store)
    yield store
    invalidate(store)
    store.close()


# -- references, from plain Cypher reads -------------------------------------------------------

def _reports(store) -> dict[str, tuple]:
    return {r[0]: (r[1], r[2]) for r in store.read("MATCH (r:Report) RETURN r.id, r.jurisdiction, r.year").rows}


def _mentions(store, roles=()) -> list[tuple[str, str]]:
    rows = store.read("MATCH (r:Report)-[e:MENTIONS]->(m:Measure) RETURN r.id, m.id, e.role").rows
    return [(r, m) for r, m, role in rows if not roles or (role or "other") in roles]


def _grain_code(adcode: str, grain: str) -> str | None:
    if not adcode:
        return None
    if grain == "own":
        return adcode
    if grain == "province":
        return adcode[:2] + "0000"
    if grain == "county":
        return adcode if not adcode.endswith("00") else None
    return adcode[:4] + "00" if not adcode.endswith("0000") else None


def reference_similar(store, grain="own", region_prefix="", min_shared=1, limit=100, roles=()):
    reps = _reports(store)
    sets: dict[str, set] = defaultdict(set)
    for rid, (adcode, _) in reps.items():
        code = _grain_code(adcode, grain)
        if code:
            sets.setdefault(code, set())
    for rid, mid in _mentions(store, roles):
        code = _grain_code(reps[rid][0], grain)
        if code:
            sets[code].add(mid)
    codes = sorted(sets)
    rows = []
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            if region_prefix and not (a.startswith(region_prefix) or b.startswith(region_prefix)):
                continue
            shared = len(sets[a] & sets[b])
            if shared < max(1, min_shared):
                continue
            union = len(sets[a] | sets[b])
            rows.append((-(shared / union), -shared, a, b, union))
    rows.sort()
    cut = rows[:limit] if limit else rows
    return [(a, b, -s, u) for _, s, a, b, u in cut], bool(limit and len(rows) > limit)


@pytest.mark.parametrize("block", [regions.PAIR_BLOCK, 5])
def test_similar_regions_matches_every_pair_scored(corpus, monkeypatch, block):
    monkeypatch.setattr(regions, "PAIR_BLOCK", block)  # 5: many blocks, floors raised on the way
    cases = [dict(), dict(limit=1), dict(limit=3), dict(limit=7, min_shared=3), dict(limit=0),
             dict(grain="province", limit=2), dict(grain="county", limit=10), dict(region="乙省", limit=4),
             dict(region="120000", limit=0), dict(role="achievements,plans", limit=5),
             dict(grain="city", region="甲1市", limit=3, min_shared=2)]
    for case in cases:
        t = run_query(corpus, "similar-regions", case)
        prefix = {"乙省": "12", "120000": "12", "甲1市": "1101"}.get(case.get("region", ""), "")
        roles = tuple(case["role"].split(",")) if "role" in case else ()
        want, truncated = reference_similar(corpus, case.get("grain", "own"), prefix, case.get("min_shared", 1),
                                            case.get("limit", 100), roles)
        got = [(r["adcode_a"], r["adcode_b"], r["shared"], r["union"]) for r in t.records()]
        assert got == want, case
        assert t.truncated == truncated, case
        for r in t.records():
            assert r["jaccard"] == pytest.approx(round(r["shared"] / r["union"], 4))
            assert r["a_measures"] + r["b_measures"] - r["shared"] == r["union"]


def test_similar_regions_keeps_the_unfiltered_ranking_with_the_incidence(corpus):
    from queries.incidence import get_incidence

    first = run_query(corpus, "similar-regions", {"limit": 7}).rows
    kept = [k for k in get_incidence(corpus)._cache if isinstance(k, tuple) and k[0] == "region-pairs"]
    assert kept == [("region-pairs", "own", (), 1, 7)]
    assert run_query(corpus, "similar-regions", {"limit": 7}).rows == first
    # a years filter or a region is computed afresh and kept nowhere
    run_query(corpus, "similar-regions", {"limit": 7, "years": "2021"})
    run_query(corpus, "similar-regions", {"limit": 7, "region": "330000"})
    assert len([k for k in get_incidence(corpus)._cache if isinstance(k, tuple) and k[0] == "region-pairs"]) == 1


def test_similar_regions_keeps_every_tie_at_the_cut(corpus):
    # many own regions share identical measure sets (jaccard 1): the first rows are those ties,
    # ordered by shared measures, then adcodes — the same whatever the limit
    full = [(r["adcode_a"], r["adcode_b"]) for r in run_query(corpus, "similar-regions", {"limit": 0}).records()]
    for limit in (1, 2, 5, 13, 40):
        got = [(r["adcode_a"], r["adcode_b"]) for r in run_query(corpus, "similar-regions", {"limit": limit}).records()]
        assert got == full[:limit]


def reference_first_seen(store, grain="own", roles=(), region_prefix=""):
    reps = _reports(store)
    by: dict[tuple, set] = defaultdict(set)
    for rid, mid in _mentions(store, roles):
        adcode, _ = reps[rid]
        code = _grain_code(adcode, grain)
        if code and (not region_prefix or (adcode or "").startswith(region_prefix)):
            by[(mid, code)].add(rid)
    rows = []
    for (mid, code), rids in sorted(by.items()):
        first = min(rids, key=lambda r: (reps[r][1] or 99999, r))
        year = reps[first][1]
        years = ",".join(str(y) for y in sorted({reps[r][1] for r in rids if reps[r][1]}))
        rows.append([mid, code, year, first if year else None, len(rids), years])
    return rows


def test_adoption_first_seen_matches_every_row_built(corpus):
    for case in (dict(limit=0), dict(limit=5), dict(limit=17), dict(grain="province", limit=0),
                 dict(role="plans,targets", limit=0), dict(region="丙省", limit=0), dict(measure="党政主要负责人", limit=0)):
        t = run_query(corpus, "adoption-first-seen", case)
        roles = tuple(case["role"].split(",")) if "role" in case else ()
        want = reference_first_seen(corpus, case.get("grain", "own"), roles, "13" if "region" in case else "")
        if "measure" in case:  # a part of a name: M01 党政主要负责人履行…职责, M02 党政主要负责人述法
            want = [r for r in want if r[0] in ("M01", "M02")]
            assert want
        got = [[r["measure_id"], r["adcode"], r["first_year"], r["first_report"], r["reports"], r["years"]]
               for r in t.records()]
        limit = case["limit"]
        assert got == (want[:limit] if limit else want), case
        assert t.truncated == bool(limit and len(want) > limit), case


def test_problems_detail_matches_every_row_built(corpus):
    probs = corpus.read("MATCH (p:Problem) OPTIONAL MATCH (p)-[:CONCERNS]->(m:Measure) "
                        "RETURN p.report, p.text, m.id").rows
    sect = corpus.read("MATCH (r:Report)-[e:MENTIONS]->(m:Measure) WHERE e.role = 'problems' "
                       "RETURN r.id, m.id, e.evidence, e.section").rows
    first_text: dict[tuple, str] = {}
    for rid, mid, text, _ in sorted(sect, key=lambda r: r[3]):
        first_text.setdefault((rid, mid), text or "")
    rows = {(mid, "problem", rid, text) for rid, text, mid in probs}
    rows |= {(mid, "problems-section", rid, first_text[(rid, mid)]) for rid, mid, _, _ in sect}
    want = sorted(rows, key=lambda r: (r[0] or "~", r[1], r[2], r[3]))
    assert any(r[0] is None for r in want) and any(r[1] == "problems-section" for r in want)
    for limit in (0, 3, 25):
        t = run_query(corpus, "problems", {"detail": True, "limit": limit})
        got = [(r["measure_id"], r["source"], r["report"], r["text"]) for r in t.records()]
        assert got == (want[:limit] if limit else want)
        assert t.truncated == bool(limit and len(want) > limit)


def test_region_profile_values_years_and_reports(corpus):
    t = run_query(corpus, "region-profile", {"region": "甲省"})
    reps = _reports(corpus)
    under = {r for r, (a, _) in reps.items() if (a or "").startswith("11")}
    values = defaultdict(list)
    for rid, ind, value, unit, target in corpus.read(
            "MATCH (o:Outcome) RETURN o.report, o.indicator, o.value, o.unit, o.is_target").rows:
        if rid in under:
            values[("target" if target else "outcome", ind, unit)].append(value)
    got = {(r["kind"], r["item_id"], r["unit"]): r for r in t.records() if r["kind"] in ("outcome", "target")}
    assert set(got) == set(values)
    for key, vals in values.items():
        r = got[key]
        assert (r["n_values"], r["median"], r["min"], r["max"]) == (
            len(vals), round(float(np.median(vals)), 4), min(vals), max(vals))
    # measures in achievements/other sections: reports and years (undated reports count, add no year)
    held = defaultdict(set)
    for rid, mid, role in corpus.read("MATCH (r:Report)-[e:MENTIONS]->(m:Measure) RETURN r.id, m.id, e.role").rows:
        if rid in under and (role or "other") in ("achievements", "other"):
            held[mid].add(rid)
    got = {r["item_id"]: r for r in t.records() if r["kind"] == "measure"}
    assert set(got) == set(held)
    for mid, rids in held.items():
        assert got[mid]["reports"] == len(rids)
        assert got[mid]["years"] == ",".join(str(y) for y in sorted({reps[r][1] for r in rids if reps[r][1]}))
    assert any(reps[r][1] is None for r in under)


# -- the listings, against the Cypher aggregations they replace (both backends) -------------------

REPORTS_CYPHER = (
    "MATCH (r:Report) WHERE $year = 0 OR r.year = $year "
    "OPTIONAL MATCH (r)-[m:MENTIONS]->(:Measure) "
    "WITH r, count(DISTINCT m) AS mentions "
    "OPTIONAL MATCH (r)-[:REPORTS]->(o:Outcome) "
    "RETURN r.id AS report, r.title AS title, r.kind AS kind, r.year AS year, r.province AS province, "
    "r.jurisdiction AS adcode, r.issuer AS issuer, mentions, count(o) AS outcomes "
    "ORDER BY year, report LIMIT $limit")
# Counted from the report side: the embedded store keeps MENTIONS forward-only (graph.schema.FORWARD_ONLY),
# so an OPTIONAL MATCH from each measure back to its reports is refused there.
MEASURES_CYPHER = "MATCH (m:Measure) RETURN m.id, m.name, m.domain ORDER BY m.id"
MENTIONED_CYPHER = ("MATCH (r:Report)-[e:MENTIONS]->(m:Measure) WHERE ($any_year OR (r.year >= $y0 AND r.year <= $y1)) "
                    "AND ($prefix = '' OR r.jurisdiction STARTS WITH $prefix) "
                    "RETURN m.id, count(DISTINCT r), sum(e.count)")


def measures_reference(store, least: int, prefix: str = "", years: tuple | None = None) -> list[list]:
    """The measures listing from two Cypher reads: every measure, and report and mention counts of
    the mentioned ones (in reports of the adcode prefix and years)."""
    y0, y1 = years or (0, 0)
    n = {m: (r, int(c)) for m, r, c in store.read(MENTIONED_CYPHER, {"prefix": prefix, "any_year": years is None,
                                                                     "y0": y0, "y1": y1}).rows}
    rows = [[i, name, domain, *n.get(i, (0, 0))] for i, name, domain in store.read(MEASURES_CYPHER).rows]
    return sorted((r for r in rows if r[3] >= least), key=lambda r: (-r[3], r[0]))


def _check_listings(store, years=(0, 2021, 2022), limits=(1000, 3)):
    from queries.incidence import cached_incidence, get_incidence

    # reports: from one Cypher read while no incidence is cached, from the incidence once one is
    for cached in (False, True):
        invalidate(store)
        if cached:
            get_incidence(store)
        for year in years:
            for limit in limits:
                t = run_query(store, "reports", {"year": year, "limit": limit})
                assert t.rows == store.read(REPORTS_CYPHER, {"year": year, "limit": limit}).rows, (year, limit)
                assert (cached_incidence(store) is not None) == cached
        assert run_query(store, "reports", {"limit": 0}).rows == []
    for least in (0, 1, 3):
        t = run_query(store, "measures", {"min_reports": least})
        assert t.rows == measures_reference(store, least), least
    # in a region (with everything under it) and years
    assert run_query(store, "measures", {"region": "640000", "years": "2021-2022"}).rows == measures_reference(
        store, 0, "64", (2021, 2022))


def test_listings_match_the_cypher_aggregations(any_store):
    build_fixture(any_store)
    invalidate(any_store)
    try:
        _check_listings(any_store)
    finally:
        invalidate(any_store)


def test_listings_match_the_cypher_aggregations_with_undated_reports(corpus):
    _check_listings(corpus, years=(0, 2020), limits=(1000, 10))


def _units(store):
    """(kind, id) → {level: set of units}, from the MENTIONS edges and outcomes as stored."""
    held: dict[tuple, dict] = defaultdict(lambda: defaultdict(set))
    for rid, mid, sec, sids in store.read("MATCH (r:Report)-[e:MENTIONS]->(m:Measure) "
                                          "RETURN r.id, m.id, e.section, e.sentence_ids").rows:
        held[("m", mid)]["report"].add((rid,))
        held[("m", mid)]["section"].add((rid, sec))
        held[("m", mid)]["sentence"] |= {(rid, s) for s in split_ids(sids)}
    for rid, ind, sec, sid in store.read("MATCH (o:Outcome) RETURN o.report, o.indicator, o.section, "
                                         "o.sentence_id").rows:
        held[("i", ind)]["report"].add((rid,))
        held[("i", ind)]["section"].add((rid, sec))
        held[("i", ind)]["sentence"].add((rid, sid))
    return held


@pytest.mark.parametrize("level", ["sentence", "section", "report"])
def test_pair_reports_regions_and_years(corpus, level):
    held, reps = _units(corpus), _reports(corpus)
    names = {r[0]: r[1] for r in corpus.read("MATCH (j:Jurisdiction) RETURN j.id, j.name").rows}
    for query, a_col, b_col, kind_b in (("measure-indicator", "measure_id", "indicator", "i"),
                                        ("measure-measure", "measure_a_id", "measure_b_id", "m")):
        t = run_query(corpus, query, {"level": level, "limit": 0})
        assert len(t) > 5
        for r in t.records():
            both = held[("m", r[a_col])][level] & held[(kind_b, r[b_col])][level]
            rids = {u[0] for u in both}
            assert r["both"] == len(both) and r["reports"] == len(rids), (query, r[a_col], r[b_col])
            assert r["years"] == ",".join(str(y) for y in sorted({reps[x][1] for x in rids if reps[x][1]}))
            regions = sorted({names[reps[x][0]] for x in rids})
            assert r["regions"].split("…")[0].split("、") == regions[:12]


QUANTIFYING_CYPHER = ("MATCH (r:Report)-[:REPORTS]->(o:Outcome)-[:QUANTIFIES]->(m:Measure) WHERE m.id IN $ids "
                      "AND ($prefix = '' OR r.jurisdiction STARTS WITH $prefix) "
                      "RETURN o.indicator, o.id, o.value, o.unit, o.is_target, r.year, r.id, o.sentence")
EDGES_CYPHER = ("MATCH (r:Report)-[e:MENTIONS]->(m:Measure) WHERE m.id IN $ids "
                "AND ($prefix = '' OR r.jurisdiction STARTS WITH $prefix) "
                "RETURN r.id, r.jurisdiction, r.year, m.id, e.role, e.section, e.count")


def test_measure_mentions_and_outcomes_match_the_cypher_reads(corpus):
    """What the measures page shows for one measure, from the incidence, against Cypher over
    the edges; the first rows only read the reports holding them, in the same order."""
    from queries.basic import measure_mentions, outcome_values

    def key(row):  # indicator, year (undated last), report
        return (row[0], row[5] is None, row[5] or 0, row[6])

    quantified = {r[0] for r in corpus.read("MATCH (o:Outcome)-[:QUANTIFIES]->(m:Measure) RETURN DISTINCT m.id").rows}
    assert quantified, "the random corpus has outcomes quantifying measures"
    for ids in (sorted(quantified)[:1], sorted(quantified)):
        for region, prefix in (("", ""), ("640000", "64")):
            want = corpus.read(QUANTIFYING_CYPHER, {"ids": ids, "prefix": prefix}).rows
            got, total = outcome_values(corpus, ids, region=region, limit=0)
            assert sorted(map(tuple, got.rows), key=str) == sorted(map(tuple, want), key=str) and total == len(want)
            first, total = outcome_values(corpus, ids, region=region, limit=5)
            assert [key(r) for r in first.rows] == sorted(map(key, want))[:5] and total == len(want)
            assert first.truncated == (len(want) > 5)
            # every outcome of the region (no measure named), as the regions page lists them
            everything = corpus.read("MATCH (r:Report)-[:REPORTS]->(o:Outcome) WHERE $prefix = '' OR "
                                     "r.jurisdiction STARTS WITH $prefix RETURN o.indicator, o.id, o.value, o.unit, "
                                     "o.is_target, r.year, r.id, o.sentence", {"prefix": prefix}).rows
            got, total = outcome_values(corpus, None, region=region, limit=7)
            assert [key(r) for r in got.rows] == sorted(map(key, everything))[:7] and total == len(everything)
            assert {tuple(r) for r in got.rows} <= {tuple(r) for r in everything}
            edges = measure_mentions(corpus, ids, region=region)
            rows = list(zip(*(edges[c] for c in ("report", "adcode", "year", "measure_id", "role", "section", "count"))))
            want = corpus.read(EDGES_CYPHER, {"ids": ids, "prefix": prefix}).rows
            assert sorted(rows, key=str) == sorted((tuple(r[:4]) + (r[4] or "other",) + tuple(r[5:]) for r in want),
                                                   key=str)
            assert [(r[2] is None, r[2] or 0, r[0]) for r in rows] == sorted((r[2] is None, r[2] or 0, r[0]) for r in rows)


@pytest.mark.parametrize("roles", [(), ("achievements",), ("plans", "targets"), ("problems", "other")])
def test_sentence_contexts_of_some_roles_are_the_units_of_those_roles(corpus, roles):
    """Sentence-level units for some section roles are taken from the unfiltered ones (each unit
    lies in one section); they must be exactly the (report, sentence) units the store's edges and
    outcomes of those roles give, holding the same measures and indicators."""
    from queries.incidence import get_incidence

    want: dict[tuple, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    for rid, mid, role, sids in corpus.read("MATCH (r:Report)-[e:MENTIONS]->(m:Measure) "
                                            "RETURN r.id, m.id, e.role, e.sentence_ids").rows:
        if not roles or (role or "other") in roles:
            for s in split_ids(sids):
                want[(rid, s)][0].add(mid)
    for rid, ind, role, sid in corpus.read("MATCH (o:Outcome) RETURN o.report, o.indicator, o.role, "
                                           "o.sentence_id").rows:
        if (not roles or (role or "other") in roles) and sid is not None:
            want[(rid, sid)][1].add(ind)
    inc = get_incidence(corpus)
    ctx = inc.contexts("sentence", roles)
    m, i = ctx.measures.tocsr(), ctx.indicators.tocsr()
    got = {(inc.report_ids[r], int(s) - inc.sent_shift): (
        {inc.measure_ids[k] for k in m.indices[m.indptr[u]:m.indptr[u + 1]]},
        {inc.indicator_ids[k] for k in i.indices[i.indptr[u]:i.indptr[u + 1]]})
        for u, (r, s) in enumerate(zip(ctx.report.tolist(), ctx.sent.tolist()))}
    assert got == dict(want) and len(got) == ctx.measures.shape[0]  # one unit per (report, sentence)
