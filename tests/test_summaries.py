"""Summaries group the fixture library's topics into themes with cited findings and evidence counts."""

from __future__ import annotations

from collections import Counter

import pytest

from retrieval.answers.summaries import summarize
from retrieval.errors import UserError
from retrieval.library import Library
from retrieval.library.filters import SearchFilters
from tests.library_support import ASTHMA, FIXTURE_ARTICLES, RETRACTED, TOPICS

TOPIC_OF = {pmid: topic for topic, pmids in TOPICS.items() for pmid in pmids}
ABSTRACTS = {a.pmid: a.abstract_text for a in FIXTURE_ARTICLES}


@pytest.fixture(scope="module")
def broad(library_factory):
    """A summary of every fixture article (a collection: a query passes only the articles about it)."""
    library = library_factory(FIXTURE_ARTICLES, {"everything": [a.pmid for a in FIXTURE_ARTICLES]})
    return summarize(library, collection="everything", k=40)


def test_a_topic_summary_holds_only_articles_about_the_topic(fixture_library: Library):
    summary = summarize(fixture_library, "migraine prevention", k=40)
    assert 0 < summary.articles < summary.ranked
    assert {p for t in summary.themes for p in t.pmids} <= set(TOPICS["migraine"]) | {RETRACTED}


def test_a_summary_of_what_the_library_lacks_is_empty_and_says_why(fixture_library: Library):
    summary = summarize(fixture_library, "dupilumab for atopic eczema", k=40)
    assert summary.articles == 0 and summary.themes == []
    # "atopic" is a real word the fixture library never uses, so it is named too
    assert summary.nothing == "No article in this library mentions dupilumab or atopic."


def test_themes_recover_the_topics(broad):
    topical = [t for t in broad.themes if any(p in TOPIC_OF for p in t.pmids)]
    assert len(topical) >= len(TOPICS) - 1
    for theme in topical:
        topics = Counter(TOPIC_OF[p] for p in theme.pmids if p in TOPIC_OF)
        size = topics.most_common(1)[0][1]
        assert size / sum(topics.values()) >= 0.75, (theme.label, topics)
    assert sum(len(t.pmids) for t in broad.themes) == broad.articles


def test_theme_labels_name_their_topic(broad):
    labels = {t.label: Counter(TOPIC_OF.get(p) for p in t.pmids).most_common(1)[0][0] for t in broad.themes}
    keywords = {"malaria": "malaria", "asthma": "asthma", "vitamin d": "vitamin", "migraine": "migraine"}
    for label, topic in labels.items():
        if topic in keywords:
            assert keywords[topic] in label, label


def test_findings_are_cited_verbatim_from_theme_members(broad):
    for theme in broad.themes:
        for finding in theme.findings:
            assert finding.pmid in theme.pmids
            assert finding.sentence in ABSTRACTS[finding.pmid]
            assert finding.pmid != RETRACTED
        assert len({f.pmid for f in theme.findings}) == len(theme.findings)


def test_counts_by_level_and_year(broad):
    assert sum(broad.counts_by_level.values()) == broad.articles
    assert sum(broad.counts_by_year.values()) == broad.articles
    assert broad.counts_by_level["randomized controlled trial"] >= 10
    assert list(broad.counts_by_year) == sorted(broad.counts_by_year)
    data = broad.as_json()
    assert {"themes", "counts_by_level", "counts_by_year", "narrative"} <= set(data)
    assert set(data["themes"][0]) == {"label", "pmids", "findings"}


def test_collection_summary(fixture_library: Library):
    summary = summarize(fixture_library, collection="asthma reading")
    assert summary.articles == 3
    assert sorted(p for t in summary.themes for p in t.pmids) == sorted(ASTHMA[:3])
    assert summary.counts_by_year == {"2009": 1, "2012": 1, "2015": 1}


def test_query_within_collection_and_filters(fixture_library: Library):
    summary = summarize(fixture_library, "asthma", collection="asthma reading", filters=SearchFilters(year_from=2010))
    assert sorted(p for t in summary.themes for p in t.pmids) == sorted([ASTHMA[0], ASTHMA[2]])


def test_nothing_to_summarise_is_a_clear_error(fixture_library: Library):
    with pytest.raises(UserError, match="query or a collection"):
        summarize(fixture_library)
    with pytest.raises(UserError, match="no collection"):
        summarize(fixture_library, collection="missing")
