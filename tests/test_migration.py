"""An embedded store written before MENTIONS.sentence_ids became text (INT64[]) is converted in place
when opened for writing, keeping every value; opened read-only it is still read right."""
from __future__ import annotations

import ladybug

from graph.ladybug_store import LadybugStore
from graph.rows import report_rows
from graph.schema import ladybug_ddl
from queries.catalog import run_query
from queries.incidence import get_incidence
from tests.test_queries_fast import random_records


def _old_store(path) -> None:
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    for stmt in ladybug_ddl():
        conn.execute(stmt.replace("sentence_ids STRING", "sentence_ids INT64[]"))
    conn.execute("CREATE (:Report {id: 'R1', year: 2021}), (:Report {id: 'R2', year: 2022}), "
                 "(:Measure {id: 'M1', name: '措施'})")
    conn.execute("MATCH (r:Report {id: 'R1'}), (m:Measure {id: 'M1'}) "
                 "CREATE (r)-[:MENTIONS {section: 0, role: 'achievements', sentence_ids: [2, 5, 11]}]->(m)")
    conn.execute("MATCH (r:Report {id: 'R2'}), (m:Measure {id: 'M1'}) "
                 "CREATE (r)-[:MENTIONS {section: 1, role: 'plans', sentence_ids: []}]->(m)")
    conn.close()
    db.close()


IDS = "MATCH (r:Report)-[e:MENTIONS]->() RETURN r.id, e.sentence_ids ORDER BY r.id"


def test_an_old_store_reads_right_and_is_converted_when_opened_for_writing(tmp_path):
    path = tmp_path / "old.lbdb"
    _old_store(path)
    ro = LadybugStore(path, read_only=True)
    assert ro.read(IDS).rows == [["R1", [2, 5, 11]], ["R2", []]]
    inc = get_incidence(ro)  # the list form is still understood
    assert sorted(inc.contexts("sentence").sent - inc.sent_shift) == [2, 5, 11]
    ro.close()

    rw = LadybugStore(path)
    rw.ensure_schema()
    assert rw.read(IDS).rows == [["R1", "2,5,11"], ["R2", ""]]
    rw.ensure_schema()  # nothing left to do the second time
    # and new reports go in beside the converted ones
    assert rw.write_report(report_rows(random_records(1, seed=9)[0])) == "added"
    assert run_query(rw, "measures").rows
    inc = get_incidence(rw)
    assert inc.n_reports == 3 and {2, 5, 11} <= set((inc.contexts("sentence").sent - inc.sent_shift).tolist())
    rw.close()
