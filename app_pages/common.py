"""Shared by every page: the cached store connection, cached reads and the sidebar's filters.

The connection is a cached resource (one per server process); query results are cached data,
keyed by the store, the query text and its parameters, for `TTL` seconds. Anything that writes
(upload, curation) calls `clear_data()` afterwards so the pages show the new state at once.

The sidebar filters live in `st.session_state` (set up once in app.py):
    region     adcode of the chosen jurisdiction ("" = everywhere)
    subregions whether the region filter includes the jurisdictions below it
    years      (first, last) year range, or () for every year
"""
from __future__ import annotations

import re
import threading
from typing import Any

import pandas as pd
import streamlit as st

from govkg.config import Settings
from govkg.errors import GovkgError

TTL = 300

ROLE_LABELS = {"achievements": "成效 achievements", "problems": "问题 problems", "plans": "计划 plans",
               "targets": "目标 targets", "other": "其他 other"}
LEVEL_LABELS = {"province": "省级 province", "city": "市级 city", "county": "县级 county"}
KIND_LABELS = {"annual_report": "年度报告 annual report", "implementation_plan": "实施方案 plan",
               "work_points": "工作要点 work points"}

# Session-state keys and their first values; app.py sets them once per session.
STATE_DEFAULTS: dict[str, Any] = {
    "region": "",
    "subregions": True,
    "years": (),
    "measure": "",
    "profile_region": "",
    "subgraph": None,     # the explorer's current neighbourhood (for Export)
    "ex_clicked": None,   # last node clicked in the explorer's graph
    "mi_cell": None,      # last heatmap cells clicked on the co-occurrence page
    "mm_cell": None,
    "console_result": None,  # the console's last answer (or error)
    "console_runs": 0,
    "upload_log": [],
}


# Widgets on single pages whose choice should survive a visit to another page. Streamlit forgets
# a widget's value when its page is not shown; re-assigning the key each run keeps it.
PERSIST = ("measure", "profile_region", "cmp_a", "cmp_b", "co_level", "co_roles", "co_min", "co_measure",
           "co_indicator", "ex_label", "ex_hops", "ex_cap", "ex_types", "export_scope", "export_types",
           "cur_report", "cur_kind")


def init_state() -> None:
    """Give every session-state key its first value (only where it is not set yet), and keep the
    values of the page widgets listed in `PERSIST`."""
    for key, value in STATE_DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = list(value) if isinstance(value, list) else value
    for key in PERSIST:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


# -- the store ---------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _open_store(key: str):
    from graph.store import open_store

    settings = Settings.from_env()
    try:
        return open_store(settings), None
    except GovkgError as e:
        return None, str(e)
    except OSError as e:  # the file's folder cannot be created or read
        return None, f"{settings.describe()}: {e.strerror or e}"


def store_key() -> str:
    """What the caches are keyed by: which store this server talks to."""
    return Settings.from_env().describe()


def get_store():
    store, _ = _open_store(store_key())
    return store


@st.cache_resource(show_spinner=False)
def warm_up(key: str) -> threading.Thread | None:
    """Once per server and store: import the analytics queries and build the store's incidence
    in a background thread, so the first visit to an analytics page does not pay for it."""
    store = get_store()
    if store is None:
        return None

    def work():
        try:
            from queries.catalog import all_queries
            from queries.incidence import get_incidence

            all_queries()
            get_incidence(store)
        except Exception:  # noqa: BLE001 - only a head start; the pages report their own errors
            pass

    t = threading.Thread(target=work, name="govkg-warm-up", daemon=True)
    t.start()
    return t


def store_error() -> str | None:
    return _open_store(store_key())[1]


def require_store() -> bool:
    """Show a clear error (not a traceback) when the store cannot be opened."""
    err = store_error()
    if err:
        st.error(f"无法打开图数据库 Cannot open the store: {md(err)}")
        st.info("先运行 Run first: `govkg ingest data/reports`")
        return False
    return True


# -- cached reads ------------------------------------------------------------------------------
_ALIAS = re.compile(r"\bAS\s+([A-Za-z_][A-Za-z_0-9]*)", re.I)


@st.cache_data(ttl=TTL, show_spinner=False)
def _read(key: str, query: str, params: dict) -> pd.DataFrame:
    df = get_store().read(query, params).to_dataframe()
    if df.empty and not len(df.columns):
        # Some Bolt servers (ArcadeDB) name no columns when no row comes back; every query here
        # aliases its columns, so take the names from the final RETURN.
        tail = query[query.upper().rfind("RETURN"):]
        df = pd.DataFrame(columns=_ALIAS.findall(tail))
    return df


def read(query: str, **params) -> pd.DataFrame:
    """A trusted read (query text from this package, values as parameters), cached."""
    return _read(store_key(), query, params)


@st.cache_data(ttl=TTL, show_spinner=False)
def _query(key: str, name: str, params: dict) -> pd.DataFrame:
    from queries.catalog import run_query

    return run_query(get_store(), name, params).to_dataframe()


def cached_query(name: str, params: dict | tuple = ()) -> pd.DataFrame:
    """A catalog query's result as a DataFrame, cached."""
    return _query(store_key(), name, dict(params))


def has_query(name: str) -> bool:
    """Whether the catalog offers `name` (other parts of govkg add queries over time)."""
    from queries.catalog import all_queries

    return any(q.name == name for q in all_queries())


def clear_data() -> None:
    """Forget cached results after a write."""
    st.cache_data.clear()


# -- jurisdictions and the sidebar scope ---------------------------------------------------------
@st.cache_data(ttl=TTL, show_spinner=False)
def _jurisdictions(key: str) -> pd.DataFrame:
    js = _read(key, "MATCH (j:Jurisdiction) RETURN j.id AS id, j.name AS name, j.level AS level, "
               "j.province AS province ORDER BY id", {})
    parents = _read(key, "MATCH (a:Jurisdiction)-[:PART_OF]->(b:Jurisdiction) RETURN a.id AS id, b.id AS parent", {})
    js = js.merge(parents, on="id", how="left")
    js["parent"] = js["parent"].fillna("")
    return js


def jurisdictions() -> pd.DataFrame:
    """Every jurisdiction (id = adcode, name, level, province) with its parent adcode ("" at the top)."""
    return _jurisdictions(store_key())


@st.cache_resource(ttl=TTL, show_spinner=False)  # a resource: shared, not copied on every call
def _hierarchy(key: str) -> dict:
    js = _jurisdictions(key)
    info = {i: {"name": n, "level": lv, "parent": p} for i, n, lv, p in
            zip(js["id"], js["name"], js["level"], js["parent"])}
    children: dict[str, list[str]] = {}
    for cid, d in info.items():
        children.setdefault(d["parent"] if d["parent"] in info else "", []).append(cid)
    order: list[str] = []

    def walk(code):
        for c in sorted(children.get(code, [])):
            order.append(c)
            walk(c)

    walk("")
    labels = {"": "全部地区 All regions"}
    for code, d in info.items():
        depth = {"province": 0, "city": 1, "county": 2}.get(d["level"], 0)
        labels[code] = f"{'　' * depth}{d['name']} ({code})"
    return {"info": info, "children": children, "order": order, "labels": labels}


def region_name(code: str) -> str:
    if not code:
        return "全部地区 all regions"
    d = _hierarchy(store_key())["info"].get(code)
    return str(d["name"]) if d else code


def descendants(code: str) -> list[str]:
    """The jurisdiction and everything below it (adcodes)."""
    children = _hierarchy(store_key())["children"]
    out, todo = [], [code]
    while todo:
        c = todo.pop()
        if c in out:
            continue
        out.append(c)
        todo.extend(children.get(c, []))
    return out


def region_label(code: str) -> str:
    """"平罗县 (640221)" for select boxes, indented by level."""
    return region_labels().get(code, code)


def region_labels() -> dict[str, str]:
    """Every adcode's select-box label ("" → all regions); pass `.get` as a format_func."""
    return _hierarchy(store_key())["labels"]


def region_options() -> list[str]:
    """Adcodes in hierarchy order (each province followed by what lies below it)."""
    return list(_hierarchy(store_key())["order"])


def report_years() -> list[int]:
    df = read("MATCH (r:Report) WHERE r.year IS NOT NULL RETURN DISTINCT r.year AS year ORDER BY year")
    return [int(y) for y in df["year"]]


# Report filter used by the pages' queries: `r` must be bound to a Report.
SCOPE = "($any_region OR r.jurisdiction IN $codes) AND ($any_year OR (r.year >= $y0 AND r.year <= $y1))"


def year_range() -> tuple[int, int] | None:
    """The sidebar's (first, last) years, or None when every year is in scope."""
    years = tuple(int(y) for y in st.session_state.get("years") or ())
    all_years = report_years()
    if len(years) != 2 or not all_years or (years[0] <= all_years[0] and years[1] >= all_years[-1]):
        return None
    return int(years[0]), int(years[1])


def scope_params(region: str | None = None, subregions: bool | None = None,
                 years: tuple[int, int] | None = None) -> dict:
    """Parameters for `SCOPE` from the sidebar (or the given values).

    Empty lists are never sent (LadybugDB cannot type them): sentinels stand in.
    """
    region = st.session_state.get("region", "") if region is None else region
    subregions = st.session_state.get("subregions", True) if subregions is None else subregions
    years = year_range() if years is None else years
    codes = (descendants(region) if subregions else [region]) if region else []
    y0, y1 = years or (0, 9999)
    return {"any_region": not codes, "codes": codes or [""], "any_year": not years, "y0": int(y0),
            "y1": int(y1)}


def catalog_scope() -> dict:
    """The sidebar scope as catalog-query parameters (region adcode, years "2019-2022")."""
    years = year_range()
    return {"region": st.session_state.get("region", ""),
            "years": f"{years[0]}-{years[1]}" if years else ""}


def scope_text() -> str:
    """The sidebar scope in words, shown under page titles."""
    region = st.session_state.get("region", "")
    years = year_range()
    where = md(region_name(region)) + ("（含下级 with sub-regions）" if region and st.session_state.get("subregions")
                                   else "")
    when = f"{years[0]}–{years[1]}" if years else "全部年份 all years"
    return f"范围 Scope: {where} · {when}"


# -- corrections -------------------------------------------------------------------------------
def corrections() -> pd.DataFrame:
    """Every stored correction (see the Curation page)."""
    return read("MATCH (c:Correction) RETURN c.id AS id, c.report AS report, c.target AS target, "
                "c.action AS action, c.field AS field, c.value AS value, c.note AS note, c.created AS created "
                "ORDER BY created DESC")


def rejected_targets() -> set[tuple[str, str]]:
    """(report, target) pairs a researcher marked as wrong."""
    c = corrections()
    c = c[c["action"] == "reject"]
    return set(zip(c["report"], c["target"]))


def corrected_values() -> dict[str, tuple[str, str, str]]:
    """Outcome id → (field, new value, note) for value/unit corrections."""
    c = corrections()
    c = c[(c["action"] == "correct") & c["target"].str.startswith("outcome:")]
    out = {}
    for _, row in c.sort_values("created").iterrows():
        out[row["target"].split(":", 1)[1]] = (row["field"], row["value"], row["note"] or "")
    return out


# -- small helpers -----------------------------------------------------------------------------
_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def safe_filename(name: str, default: str = "file") -> str:
    """A file name with no path parts or unusual characters, at most 120 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE.sub("_", base).strip("._") or default
    if len(base) > 120:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 110] + "." + ext[:8]) if dot else base[:120]
    return base


def short(text: Any, n: int = 80) -> str:
    s = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    return s if len(s) <= n else s[: n - 1] + "…"


def role_label(role: Any) -> str:
    return ROLE_LABELS.get(str(role), str(role))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md(text: Any) -> str:
    """Text from a report or a user, escaped for st.markdown (no links, emphasis, LaTeX or HTML)."""
    s = "" if text is None else str(text)
    return _MD_SPECIAL.sub(r"\\\1", s).replace("\n", " ")
