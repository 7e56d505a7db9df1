"""`govkg suggest`: candidate terms from real text, accepting them into a copy of the taxonomy."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from govkg.cli import cli
from govkg.config import TAXONOMY_DIR
from ingest.records import Document
from ingest.suggest import TaxonomyEditError, accept_term, suggest_terms
from ingest.taxonomy import load_taxonomy

DOCS = [
    "一是推行律师调解制度，全年共调解纠纷20件。二是深化行政复议体制改革。",
    "积极推行律师调解制度，引导律师参与矛盾化解。开展“法律服务直通车”进企业活动。",
    "全面推行律师调解制度。持续开展“法律服务直通车”进企业活动，落实行政复议制度。",
]


@pytest.fixture
def taxonomy_copy(tmp_path):
    folder = tmp_path / "taxonomy"
    shutil.copytree(TAXONOMY_DIR, folder)
    yield folder
    from ingest import taxonomy as tax

    tax._load.cache_clear()


def _docs():
    return [Document(doc=f"d{i}.txt", source=f"d{i}.txt", text=t) for i, t in enumerate(DOCS)]


def test_recurring_terms_outside_the_taxonomy_are_suggested():
    found = {s.term: s for s in suggest_terms(_docs(), top=0, min_docs=2, min_count=2)}
    assert "律师调解制度" in found
    s = found["律师调解制度"]
    assert s.docs == 3 and s.count == 3 and s.source == "phrase"
    assert s.examples[0].startswith("d0.txt: ") and "律师调解制度" in s.examples[0]
    assert "法律服务直通车" in found and found["法律服务直通车"].source == "quoted"
    # Known measures are not suggested, nor anything inside or around a known form.
    assert not any("行政复议" in t for t in found)


def test_accept_as_alias_and_as_new_measure(taxonomy_copy):
    assert accept_term("律师调解制度", measure_id="M85", folder=taxonomy_copy) == "M85"
    new_id = accept_term("律师参与信访接待", domain="D3 行政决策", folder=taxonomy_copy)
    rows = {r["id"]: r for r in csv.DictReader((taxonomy_copy / "measures.tsv").open(encoding="utf-8"), delimiter="\t")}
    assert rows["M85"]["aliases"].endswith("|律师调解制度")
    assert rows[new_id]["measure"] == "律师参与信访接待" and rows[new_id]["domain"] == "D3 行政决策"
    tax = load_taxonomy(taxonomy_copy)
    assert "律师调解制度" in tax.by_id()["M85"].forms and new_id in tax.by_id()
    # The accepted term is now a measure for the extractor and no longer a suggestion.
    found = {s.term for s in suggest_terms(_docs(), tax, top=0)}
    assert "律师调解制度" not in found


def test_accept_refuses_duplicates_and_missing_domain(taxonomy_copy):
    with pytest.raises(TaxonomyEditError, match="already a form of M81"):
        accept_term("行政复议", measure_id="M85", folder=taxonomy_copy)
    with pytest.raises(TaxonomyEditError, match="--domain"):
        accept_term("律师调解制度", folder=taxonomy_copy)


def test_cli_suggest_and_accept(taxonomy_copy):
    from tests.conftest import REPORTS

    runner = CliRunner()
    res = runner.invoke(cli, ["suggest", str(REPORTS), "--format", "json", "--top", "10",
                              "--taxonomy", str(taxonomy_copy)])
    assert res.exit_code == 0, res.output
    found = json.loads(res.stdout)
    assert 0 < len(found) <= 10
    forms = {f for m in load_taxonomy(taxonomy_copy).measures for f in m.forms}
    assert all(s["term"] not in forms and s["examples"] and (s["docs"] >= 2 or s["count"] >= 3) for s in found)
    res = runner.invoke(cli, ["suggest", "--accept", "律师调解制度", "--measure-id", "M85",
                              "--taxonomy", str(taxonomy_copy)])
    assert res.exit_code == 0 and "M85" in res.output
    res = runner.invoke(cli, ["suggest", "--accept", "律师调解制度", "--measure-id", "M85",
                              "--taxonomy", str(taxonomy_copy)])
    assert res.exit_code == 1 and "already a form of M85" in res.output
    assert "Traceback" not in res.output


def test_extraction_does_not_import_jieba():
    code = ("import sys; from ingest.pipeline import extract_document; from ingest.records import Document; "
            "extract_document(Document(doc='a.txt', source='a.txt', text='全年办理案件12件。')); "
            "print('jieba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
