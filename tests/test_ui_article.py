"""The Article page: the full record, notices, links, collections; unknown PMIDs; record text shown literally."""

from __future__ import annotations

import pytest
from ui_support import SCRIPT_PMID, THIN_PMID, app_test, shared_ui_library, texts, thin_ui_library

from tests.library_support import ASTHMA, RETRACTED, STATINS

ARTICLE = "pages/article.py"


@pytest.fixture(scope="session")
def ui_library(library_factory):
    return shared_ui_library(library_factory)


def test_full_record_with_mesh_types_links_and_collections(fixture_library, monkeypatch):
    at = app_test(monkeypatch, fixture_library.settings.data_dir, ARTICLE, pmid=ASTHMA[0])
    shown = texts(at)
    assert at.title[0].value == "Inhaled budesonide in children with mild persistent asthma and adult height"
    assert "**Background.** Inhaled glucocorticoids slow growth" in shown  # structured abstract, labelled
    assert "★ **Asthma**" in shown  # the major MeSH topic is marked
    assert "Randomized Controlled Trial" in shown and "Multicenter Study" in shown
    assert f"https://pubmed.ncbi.nlm.nih.gov/{ASTHMA[0]}/" in shown
    assert "asthma reading" in shown  # the fixture collection it belongs to
    assert not at.error
    assert "in the library" in at.sidebar.caption[0].value  # app.py ran around the page (pages/_shared/boot.py)


def test_retracted_article_carries_a_retraction_notice(fixture_library, monkeypatch):
    at = app_test(monkeypatch, fixture_library.settings.data_dir, ARTICLE, pmid=RETRACTED)
    assert any("has been retracted" in e.value for e in at.error)
    assert any("91000072" in e.value for e in at.error)  # the notice links to the retraction


def test_unknown_pmid_gets_a_clear_message(fixture_library, monkeypatch):
    at = app_test(monkeypatch, fixture_library.settings.data_dir, ARTICLE, pmid="99999999")
    assert any("PMID 99999999 is not in this library" in w.value for w in at.warning)
    assert not at.exception


def test_opening_a_pmid_typed_in_the_box(fixture_library, monkeypatch):
    at = app_test(monkeypatch, fixture_library.settings.data_dir, ARTICLE)
    assert any("Open an article" in i.value for i in at.info)
    at.text_input[0].set_value(STATINS[1]).run()
    assert at.title[0].value.startswith("Statin therapy and major vascular events")
    assert at.query_params["pmid"] == STATINS[1]


def test_record_text_is_shown_literally_never_as_html_or_markdown(ui_library, monkeypatch):
    at = app_test(monkeypatch, ui_library.settings.data_dir, ARTICLE, pmid=SCRIPT_PMID)
    shown = texts(at)
    assert "<script>" not in shown and "<b>" not in shown
    assert "\\<script\\>window\\.pwned\\=1\\</script\\>" in at.title[0].value
    assert "\\*\\*Bold\\*\\*" in at.title[0].value and "\\[links\\]\\(http\\:" in at.title[0].value
    assert "\\<b\\>tags\\</b\\> and \\_underscores\\_" in shown
    assert "Müller J, Ødegård ÅK" in shown


def test_erratum_notice_and_doi_and_pmc_links(ui_library, monkeypatch):
    at = app_test(monkeypatch, ui_library.settings.data_dir, ARTICLE, pmid="92000002")
    shown = texts(at)
    assert any("erratum" in w.value.lower() and "92000099" in w.value for w in at.warning)
    assert "https://doi.org/10.1056/NEJMoa000002" in shown
    assert "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7000002/" in shown
    assert "administration \\& dosage" in shown  # MeSH qualifiers


def test_a_citation_link_opens_its_article_with_the_quoted_sentence_highlighted(fixture_library, monkeypatch):
    quoted = "Rosuvastatin reduced LDL cholesterol by 50%"
    at = app_test(monkeypatch, fixture_library.settings.data_dir, ARTICLE, pmid=STATINS[0], quote=quoted)
    shown = texts(at)
    assert ":orange-background[Rosuvastatin reduced LDL cholesterol by 50%" in shown
    assert "the sentence the answer quoted" in shown
    at = app_test(monkeypatch, fixture_library.settings.data_dir, ARTICLE, pmid=STATINS[0], quote="not in it")
    assert ":orange-background[" not in texts(at)  # a sentence the abstract lacks marks nothing


def test_a_thin_record_says_what_pubmed_did_not_record(library_factory, monkeypatch):
    at = app_test(monkeypatch, thin_ui_library(library_factory).settings.data_dir, ARTICLE, pmid=THIN_PMID)
    shown = texts(at)
    assert "Not recorded in this PubMed record: publication year, publication type, MeSH terms." in shown
    assert "This record has no abstract." in shown


def test_a_full_record_claims_nothing_is_missing(fixture_library, monkeypatch):
    at = app_test(monkeypatch, fixture_library.settings.data_dir, ARTICLE, pmid=ASTHMA[0])
    assert "Not recorded" not in texts(at)
