"""Co-occurrence: measure × indicator and measure × measure heatmaps with the catalog's statistics.

The statistics come from the catalog queries `measure-indicator` and `measure-measure` (support,
confidence, lift, Fisher's exact test, Benjamini–Hochberg q-values). Selecting a cell of a heatmap,
or a pair in the list, shows the sentences behind it.
"""
import altair as alt
import pandas as pd
import streamlit as st

from app_pages.common import (
    ROLE_LABELS, cached_query, catalog_scope, md, require_store, role_label, scope_text, short,
)

LEVELS = {"sentence": "同一句 sentence", "section": "同一章节 section", "report": "同一报告 report"}
STATS = ["both", "lift", "confidence", "support", "q_value"]
MOST = 500  # pairs fetched, strongest (lowest p) first; the filters narrow what they are drawn from

st.title("共现 Co-occurrence")


def heatmap(pairs: pd.DataFrame, x: str, y: str, colour: str, top: int, key: str):
    """A heatmap of the pairs among the `top` most frequent rows and columns; returns the selection."""
    xs = pairs.groupby(x)["both"].sum().nlargest(top).index
    ys = pairs.groupby(y)["both"].sum().nlargest(top).index
    d = pairs[pairs[x].isin(xs) & pairs[y].isin(ys)].copy()
    pick = alt.selection_point(name="cell", fields=[x, y], on="click")
    scale = alt.Scale(scheme="orangered", reverse=colour == "q_value")
    chart = (alt.Chart(d).mark_rect(stroke="white")
             .encode(x=alt.X(f"{x}:N", sort="-color", title=None, axis=alt.Axis(labelAngle=-50, labelLimit=160)),
                     y=alt.Y(f"{y}:N", title=None, axis=alt.Axis(labelLimit=220)),
                     color=alt.Color(f"{colour}:Q", scale=scale, title=colour),
                     opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
                     tooltip=[x, y, "both", "lift", "confidence", "support", "p_value", "q_value", "regions"])
             .add_params(pick)
             .properties(height=alt.Step(22)))
    event = st.altair_chart(chart, width="stretch", on_select="rerun", key=key, selection_mode="cell")
    cells = (event or {}).get("selection", {}).get("cell") or []
    return cells[0] if cells else None


def indicator_evidence(measure: str, indicator: str, level: str, roles: list[str]) -> pd.DataFrame:
    """The sentences behind one measure × indicator pair (catalog query `evidence`)."""
    ev = cached_query("evidence", dict(catalog_scope(), measure=measure, indicator=indicator, level=level,
                                       role=",".join(roles), limit=200))
    if ev.empty:
        return ev
    ev = ev[ev["subject"].str.endswith(f" × {indicator}")]
    ev = ev.assign(role=ev["role"].map(role_label),
                   value=[f"{v:g}{u or ''}" if pd.notna(v) else "" for v, u in zip(ev["value"], ev["unit"])])
    return ev[["region", "year", "role", "value", "sentence", "report"]].rename(
        columns={"sentence": "共现句 sentence"})


def measure_evidence(a: str, b: str, level: str, roles: list[str]) -> pd.DataFrame:
    """Where two measures are mentioned together at the level (catalog query `evidence` with
    `with_measure`: only the reports the incidence names are read)."""
    ev = cached_query("evidence", dict(catalog_scope(), measure=a, with_measure=b, level=level,
                                       role=",".join(roles), limit=200))
    if ev.empty:
        return ev
    ev = ev.assign(role=ev["role"].map(role_label))
    return ev[["region", "year", "role", "sentence", "detail", "report"]].rename(
        columns={"sentence": "措施 A 的句子 sentence A", "detail": "措施 B 的句子 sentence B"})


def pair_picker(labels: list[str], picked: int, cell, key: str) -> str:
    """The pair whose evidence is shown: a click on the heatmap selects it, the box changes it."""
    if cell and cell != st.session_state.get(f"{key}_cell"):
        st.session_state[f"{key}_cell"] = cell
        st.session_state[f"{key}_pair"] = labels[picked]
    if st.session_state.get(f"{key}_pair") not in labels:
        st.session_state[f"{key}_pair"] = labels[0]
    return st.selectbox("查看证据 Evidence for pair", labels, key=f"{key}_pair")


def show_evidence(df: pd.DataFrame) -> None:
    if df.empty:
        st.caption("范围内没有找到证据句 No evidence sentences in scope.")
        return
    st.dataframe(df, hide_index=True, width="stretch")


if require_store():
    st.caption(scope_text() + "（地区含下级 sub-regions always included here）")
    f = st.columns([1.2, 2, 1, 1, 1])
    level = f[0].radio("共现层级 Level", list(LEVELS), format_func=LEVELS.get, key="co_level")
    roles = f[1].multiselect("章节角色 Section roles (空=全部 all)", list(ROLE_LABELS), format_func=ROLE_LABELS.get,
                             key="co_roles")
    st.session_state.setdefault("co_min", 1)
    min_support = f[2].number_input("最小支持数 Min support", min_value=1, max_value=1000, key="co_min")
    colour = f[3].selectbox("颜色 Colour", STATS, key="co_colour")
    top = f[4].slider("热图行列数 Heatmap size", 5, 40, 20, key="co_top")
    g = st.columns(2)
    measure_filter = g[0].text_input("措施筛选 Measure (编号或名称 id or name)", key="co_measure").strip()
    indicator_filter = g[1].text_input("指标筛选 Indicator contains", key="co_indicator").strip()
    base = dict(catalog_scope(), level=level, role=",".join(roles), min_support=int(min_support), limit=MOST,
                measure=measure_filter)

    tab_mi, tab_mm = st.tabs(["措施 × 指标 Measure × indicator", "措施 × 措施 Measure × measure"])
    with tab_mi:
        pairs = cached_query("measure-indicator", dict(base, indicator=indicator_filter))
        if pairs.empty:
            st.info("范围内没有共现的措施与指标 No measure–indicator pairs in scope; lower the minimum support "
                    "or widen the scope.")
        else:
            pairs["measure_label"] = pairs["measure_id"] + " " + pairs["measure"]
            shown = (f"前 {MOST} 对 the {MOST} strongest of {int(pairs['pairs_tested'].iloc[0])} pairs"
                     if len(pairs) >= MOST else f"{len(pairs)} 对 pairs")
            st.caption(f"{shown} · {int(pairs['units'].iloc[0])} 个单元 units ({LEVELS[level]}) · "
                       "统计: support = both/units, confidence = P(指标|措施), lift, Fisher p, BH q")
            cell = heatmap(pairs, "indicator", "measure_label", colour, top, "heat_mi")
            labels = [f"{m} × {i}" for m, i in zip(pairs["measure_label"], pairs["indicator"])]
            default = 0
            if cell:
                hit = pairs.index[(pairs["measure_label"] == cell.get("measure_label"))
                                  & (pairs["indicator"] == cell.get("indicator"))]
                default = int(pairs.index.get_loc(hit[0])) if len(hit) else 0
            st.dataframe(pairs[["measure_id", "measure", "indicator", "both", "measure_n", "indicator_n", "support",
                                "confidence", "lift", "p_value", "q_value", "reports", "regions", "years",
                                "small_sample"]], hide_index=True, width="stretch", height=260)
            choice = pair_picker(labels, default, cell, "mi")
            row = pairs.iloc[labels.index(choice)]
            st.markdown(f"**{md(short(row['measure_label'], 60))} × {md(short(row['indicator'], 40))}** — "
                        f"both={row['both']}, lift={row['lift']}, q={row['q_value']}")
            show_evidence(indicator_evidence(row["measure_id"], row["indicator"], level, roles))

    with tab_mm:
        mm = cached_query("measure-measure", base)
        if mm.empty:
            st.info("范围内没有共现的措施 No measure pairs in scope; lower the minimum support or widen the scope.")
        else:
            mm["a"] = mm["measure_a_id"] + " " + mm["measure_a"]
            mm["b"] = mm["measure_b_id"] + " " + mm["measure_b"]
            st.caption(f"{len(mm)} 对 pairs · {int(mm['units'].iloc[0])} 个单元 units ({LEVELS[level]})")
            sym = pd.concat([mm, mm.rename(columns={"a": "b", "b": "a"})], ignore_index=True)
            cell = heatmap(sym, "a", "b", colour, top, "heat_mm")
            labels = [f"{a} × {b}" for a, b in zip(mm["a"], mm["b"])]
            default = 0
            if cell:
                hit = mm.index[((mm["a"] == cell.get("a")) & (mm["b"] == cell.get("b")))
                               | ((mm["a"] == cell.get("b")) & (mm["b"] == cell.get("a")))]
                default = int(mm.index.get_loc(hit[0])) if len(hit) else 0
            st.dataframe(mm[["measure_a_id", "measure_a", "measure_b_id", "measure_b", "both", "a_n", "b_n",
                             "support", "confidence", "lift", "p_value", "q_value", "reports", "regions", "years",
                             "small_sample"]], hide_index=True, width="stretch", height=260)
            choice = pair_picker(labels, default, cell, "mm")
            row = mm.iloc[labels.index(choice)]
            st.markdown(f"**{md(short(row['a'], 50))} × {md(short(row['b'], 50))}** — both={row['both']}, "
                        f"lift={row['lift']}, q={row['q_value']}")
            show_evidence(measure_evidence(row["measure_a_id"], row["measure_b_id"], level, roles))
