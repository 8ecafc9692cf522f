"""Hybrid search on a real library: ranking, filters on both legs, evidence levels, stale-index safety."""

from __future__ import annotations

import pytest

from ingest.pipeline import ingest
from retrieval.errors import UserError
from retrieval.library import Library
from retrieval.library.evidence import BY_LABEL, LEVELS, OTHER, badge, design_for, level_for
from retrieval.library.filters import SearchFilters
from retrieval.library.keyword import fts_query
from retrieval.library.records import Article
from retrieval.library.store import Store, UnknownCollectionError
from retrieval.search.hybrid import EmptyLibraryError, make_hit, search
from retrieval.search.langchain_retriever import MedLitRetriever
from tests.library_support import (
    ASTHMA,
    FIXTURE_ARTICLES,
    HAND_HYGIENE,
    MALARIA,
    MIGRAINE,
    NO_ABSTRACT,
    RETRACTED,
    SLEEP,
    STATINS,
    VITAMIN_D,
    structured,
)

PARAPHRASES = [
    ("do cholesterol pills stop heart attacks in healthy people with inflammation", STATINS[0]),
    ("muscle breakdown when an antibiotic is taken with a cholesterol drug", STATINS[3]),
    ("does a big yearly dose of vitamin D make elderly women fall more", VITAMIN_D[0]),
    ("best injectable drug for African kids with life-threatening malaria", MALARIA[0]),
    ("parasites no longer cleared quickly by artemisinin in Southeast Asia", MALARIA[1]),
    ("antibody against CGRP to cut the number of migraine days", MIGRAINE[0]),
    ("do steroid inhalers make children shorter as adults", ASTHMA[0]),
    ("car exhaust and kids developing asthma", ASTHMA[2]),
    ("staying awake all night and short-term memory", SLEEP[0]),
    ("talk therapy instead of sleeping pills for people who cannot sleep", SLEEP[2]),
    ("bathing ICU patients with an antiseptic to stop blood infections", HAND_HYGIENE[2]),
]


@pytest.mark.parametrize(("query", "pmid"), PARAPHRASES)
def test_paraphrased_query_ranks_the_right_article_first(fixture_library: Library, query: str, pmid: str):
    hits = search(fixture_library, query, k=5)
    assert hits[0].pmid == pmid, [h.title for h in hits]


def test_hybrid_beats_each_leg_on_the_paraphrases(fixture_library: Library):
    def top1(method: str) -> int:
        return sum(search(fixture_library, q, k=1, method=method)[0].pmid == p for q, p in PARAPHRASES)

    assert top1("hybrid") >= max(top1("dense"), top1("bm25"))


def test_rare_exact_term_is_found_by_bm25_and_kept_by_fusion(fixture_library: Library):
    assert search(fixture_library, "kelch13", k=1, method="bm25")[0].pmid == MALARIA[1]
    assert search(fixture_library, "kelch13", k=1)[0].pmid == MALARIA[1]


def test_hits_carry_scores_and_the_matching_sentences(fixture_library: Library):
    hit = search(fixture_library, "adult height after inhaled budesonide", k=3)[0]
    assert hit.pmid == ASTHMA[0]
    assert hit.dense_score is not None and 0 < hit.dense_score <= 1
    assert hit.bm25_score is not None and hit.bm25_score > 0
    assert hit.sentences and any("height" in s for s in hit.sentences)
    abstract = hit.article.abstract_text
    assert all(s in abstract for s in hit.sentences)


@pytest.mark.parametrize(
    "query", ['"unbalanced', "asthma OR", "NEAR(asthma children)", "title:malaria", "a*b - (c)", "children's asthma"]
)
def test_user_syntax_never_reaches_fts5(fixture_library: Library, query: str):
    assert fts_query(query).count('"') % 2 == 0
    search(fixture_library, query, k=3, method="bm25")  # no sqlite3.OperationalError


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_query_is_a_clear_error(fixture_library: Library, query: str):
    with pytest.raises(UserError, match="query is empty"):
        search(fixture_library, query)


def test_empty_library_is_a_clear_error(tmp_path):
    from retrieval.settings import Settings

    with pytest.raises(EmptyLibraryError, match="library is empty"):
        search(Library(Settings(data_dir=tmp_path)), "asthma")


# --------------------------------------------------------------------------- filters
@pytest.mark.parametrize("method", ["hybrid", "dense", "bm25"])
@pytest.mark.parametrize(
    ("filters", "allowed"),
    [
        (SearchFilters(year_from=2015, year_to=2017), lambda a: a.year is not None and 2015 <= a.year <= 2017),
        (
            SearchFilters(publication_types=["randomized controlled trial"]),
            lambda a: "Randomized Controlled Trial" in a.publication_types,
        ),
        (SearchFilters(mesh=["asthma", "Child"]), lambda a: {"Asthma", "Child"} <= {m.descriptor for m in a.mesh}),
        (SearchFilters(journal="new england"), lambda a: "New England" in a.journal),
        (SearchFilters(has_abstract=True), lambda a: a.has_abstract),
        (SearchFilters(exclude_retracted=True), lambda a: not a.is_retracted),
        (SearchFilters(collection="asthma reading"), lambda a: a.pmid in ASTHMA[:3]),
    ],
)
def test_filters_apply_to_both_legs(fixture_library: Library, method: str, filters: SearchFilters, allowed):
    expected = {a.pmid for a in FIXTURE_ARTICLES if allowed(a)}
    queries = ["asthma in children", "randomized trial of treatment", "hospital"]
    found = {h.pmid for q in queries for h in search(fixture_library, q, filters, k=40, method=method)}
    assert found <= expected
    if method != "bm25":  # the dense leg reaches every allowed article
        assert found == expected


def test_filters_combine(fixture_library: Library):
    filters = SearchFilters(year_from=2012, publication_types=["Randomized Controlled Trial"], exclude_retracted=True)
    pmids = {h.pmid for h in search(fixture_library, "migraine prevention", filters, k=40)}
    assert MIGRAINE[0] in pmids and MIGRAINE[1] in pmids
    assert RETRACTED not in pmids and MIGRAINE[2] not in pmids  # retracted; a non-randomised trial


def test_no_abstract_article_is_still_searchable_by_title(fixture_library: Library):
    assert search(fixture_library, "pharmacy staffing in rural hospitals", k=1)[0].pmid == NO_ABSTRACT


def test_unknown_collection_names_the_known_ones(fixture_library: Library):
    with pytest.raises(UnknownCollectionError, match="asthma reading"):
        search(fixture_library, "asthma", SearchFilters(collection="no such shelf"))


def test_filter_excluding_everything_returns_nothing(fixture_library: Library):
    assert search(fixture_library, "asthma", SearchFilters(year_from=2100)) == []


# ------------------------------------------------------------------- evidence levels
def test_levels_from_publication_types_and_design_mesh():
    assert level_for(["Journal Article", "Meta-Analysis"]).label == "systematic review / meta-analysis"
    assert level_for(["Randomized Controlled Trial", "Systematic Review"]).rank == 0  # the strongest wins
    assert level_for(["Clinical Trial, Phase III"]).label == "other clinical trial"
    assert level_for(["Case Reports"]).label == "case report"
    assert level_for(["Review"]).label == "review"
    assert level_for(["Journal Article"]).label == "design not recorded"
    assert level_for([], ["Humans", "Cohort Studies"]).label == "observational"
    assert level_for(["Journal Article"], ["Randomized Controlled Trials as Topic"]).label == "design not recorded"
    assert [level.rank for level in LEVELS] == list(range(len(LEVELS)))
    assert badge("randomized controlled trial", retracted=True).startswith("RETRACTED")


def test_a_design_no_type_decides_is_inferred_from_the_text_and_marked():
    cochrane = design_for([], [], "Antibiotics for acute otitis media in children (Cochrane Review)")
    assert cochrane == (BY_LABEL["systematic review / meta-analysis"], True)
    assert design_for(["Journal Article"], [], "x", "Patients were randomised to drug or placebo.")[0].badge == "RCT"
    assert design_for([], [], "A 45-year-old man with chest pain: a case report")[0].label == "case report"
    assert design_for([], [], "Smoking and lung cancer: a case-control study")[0].label == "observational"
    assert design_for([], [], "x", "A cross-sectional survey of 400 nurses.")[0].label == "observational"
    rct = BY_LABEL["randomized controlled trial"]
    assert design_for(["Randomized Controlled Trial"], [], "A cohort study") == (rct, False)
    assert design_for([], [], "Vitamin D and bones") == (OTHER, False)
    assert OTHER.label == "design not recorded" and OTHER.rank == len(LEVELS) - 1  # still ranked last
    assert badge("case report", inferred=True) == "Case (inferred)"
    untyped = Article(pmid="1", title="Zinc for the common cold: a randomized trial")
    assert make_hit(untyped, 1.0, "randomized controlled trial", []).inferred
    typed = Article(pmid="2", title="Zinc: a randomized trial", publication_types=["Randomized Controlled Trial"])
    assert not make_hit(typed, 1.0, "randomized controlled trial", []).inferred


def test_hits_show_levels_and_retraction(fixture_library: Library):
    hits = {h.pmid: h for h in search(fixture_library, "migraine treatment", k=40)}
    assert hits[RETRACTED].retracted and hits[RETRACTED].level == "randomized controlled trial"
    assert not hits[MIGRAINE[0]].retracted
    assert hits[MIGRAINE[2]].level == "other clinical trial"
    assert hits[MIGRAINE[3]].level == "observational"
    assert hits[STATINS[3]].level == "case report"


def test_preferring_strong_designs_moves_them_up_and_is_off_by_default(fixture_library: Library):
    query = "vitamin D and hip fracture in older people"
    plain = [h.pmid for h in search(fixture_library, query, k=4)]
    strong = [h.pmid for h in search(fixture_library, query, k=4, prefer_strong_designs=True)]
    assert set(strong) == set(VITAMIN_D)  # the preference reorders, it does not bring in other topics
    meta_analysis, cohort = VITAMIN_D[1], VITAMIN_D[2]
    assert strong.index(meta_analysis) <= plain.index(meta_analysis)
    assert strong.index(cohort) >= plain.index(cohort)
    assert strong != plain


# ------------------------------------------------------------------ library changes
def test_search_ignores_vectors_of_deleted_chunks_and_sees_other_writers(library_factory):
    articles = [a for a in FIXTURE_ARTICLES if a.pmid in ASTHMA + MALARIA]
    library = library_factory(articles)
    library.store.delete_articles([ASTHMA[0]], source="test")  # the index still holds its vectors
    assert ASTHMA[0] not in {h.pmid for h in search(library, "inhaled budesonide and adult height", k=10)}

    writer = Library(library.settings)  # another process importing into the same library
    newcomer = structured(
        "92000001",
        "Omalizumab for severe allergic asthma in adolescents",
        2020,
        "Allergy",
        ["Randomized Controlled Trial"],
        ["Asthma", "Omalizumab"],
        {"RESULTS": "Omalizumab halved severe exacerbations.", "CONCLUSIONS": "Anti-IgE therapy helps."},
    )
    ingest(writer, [newcomer], kind="test", source="other process")
    assert search(library, "anti-IgE antibody for allergic asthma", k=1)[0].pmid == "92000001"


# ------------------------------------------------------------------------- langchain
def test_langchain_retriever_returns_documents_with_citation_metadata(fixture_library: Library):
    retriever = MedLitRetriever(library=fixture_library, k=3, filters=SearchFilters(exclude_retracted=True))
    documents = retriever.invoke("insecticide treated nets and child deaths")
    assert len(documents) == 3
    first = documents[0]
    assert first.metadata["pmid"] == MALARIA[3]
    assert first.metadata["title"] in first.page_content
    assert first.metadata["year"] == 2018
    assert first.metadata["level"] == "systematic review / meta-analysis"
    assert first.metadata["score"] >= documents[1].metadata["score"]
    assert "reduced child mortality" in first.page_content


def test_a_year_range_keeps_undated_articles_unless_excluded(tmp_path):
    store = Store(tmp_path / "library.sqlite")
    articles = [Article(pmid="1", title="Old", year=1990), Article(pmid="2", title="New", year=2020)]
    store.upsert_articles([*articles, Article(pmid="3", title="Undated")], "test", lambda a: [a.title])

    def allowed(filters: SearchFilters) -> set[str]:
        return store.allowed_pmids(store.filter_clause(filters))

    assert allowed(SearchFilters(year_from=2000)) == {"2", "3"}
    assert allowed(SearchFilters(year_to=2000)) == {"1", "3"}
    assert allowed(SearchFilters(year_from=2000, include_undated=False)) == {"2"}
    assert allowed(SearchFilters(include_undated=False)) == {"1", "2"}
    assert not SearchFilters().is_active()
    assert SearchFilters(include_undated=False).as_dict() == {"include_undated": False}
