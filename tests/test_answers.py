"""Extractive answers and abstention on a real library with the real embedding model."""

from __future__ import annotations

import itertools
import json
import re

import numpy as np
import pytest

from retrieval.answers.abstention import features, load_rule
from retrieval.answers.ask import INSUFFICIENT, NO_EVIDENCE, ask
from retrieval.answers.extractive import DUPLICATE_COSINE, DUPLICATE_JACCARD, MAX_SENTENCES, is_near_duplicate
from retrieval.calibration.abstention import fit
from retrieval.errors import UserError
from retrieval.library import Library
from retrieval.library.filters import SearchFilters
from retrieval.search.hybrid import run_search
from retrieval.search.subjects import subject_coverage
from tests.library_support import ASTHMA, FIXTURE_ARTICLES, MALARIA, MIGRAINE, RETRACTED, STATINS, VITAMIN_D

ABSTRACTS = {a.pmid: a.abstract_text for a in FIXTURE_ARTICLES}

ON_TOPIC = [
    ("Do statins prevent heart attacks in people at low risk?", STATINS),
    ("Does vitamin D supplementation prevent fractures in older adults?", VITAMIN_D),
    ("What is the best treatment for severe malaria in children?", MALARIA),
    ("Do inhaled corticosteroids reduce growth in children with asthma?", ASTHMA),
    ("Which drugs prevent migraine attacks?", MIGRAINE),
]
OFF_TOPIC = [
    "How long should sourdough bread proof before baking?",
    "Who won the 1998 FIFA World Cup final?",
    "How do I resolve a merge conflict in git?",
    "Why did the Roman Empire fall?",
    "What is a good interest rate for a 30-year fixed mortgage?",
]


@pytest.mark.parametrize(("question", "topic"), ON_TOPIC)
def test_extractive_answer_quotes_cited_abstracts_verbatim(fixture_library: Library, question: str, topic: list):
    answer = ask(fixture_library, question)
    assert not answer.abstained and answer.mode == "extractive"
    assert 1 <= len(answer.citations) <= MAX_SENTENCES
    for citation in answer.citations:
        assert citation.sentence in ABSTRACTS[citation.pmid]  # verbatim, from the article it cites
        assert f"{citation.sentence} [{citation.pmid}]" in answer.answer
    assert {c.pmid for c in answer.citations} <= set(topic)
    assert answer.bottom_line.startswith(("From ", "Yes:", "No:", "Mixed evidence:", "Insufficient evidence:"))
    assert answer.evidence[0].pmid in topic and answer.evidence[0].pmid in answer.cited_pmids


def test_answer_text_is_only_cited_sentences(fixture_library: Library):
    answer = ask(fixture_library, ON_TOPIC[0][0])
    pieces = re.split(r"(?<=\])\s+", answer.answer)
    assert len(pieces) == len(answer.citations)
    assert all(re.search(r"\[\d+\]$", p) for p in pieces)


def test_answers_favour_findings_over_background(fixture_library: Library):
    answer = ask(fixture_library, "Does vitamin D supplementation prevent fractures in older adults?")
    sections = {}
    for article in FIXTURE_ARTICLES:
        for section in article.abstract:
            sections[(article.pmid, section.category)] = section.text
    cited_sections = [
        category
        for c in answer.citations
        for (pmid, category), text in sections.items()
        if pmid == c.pmid and c.sentence in text
    ]
    assert not {"BACKGROUND", "OBJECTIVE"} & set(cited_sections)  # they restate the question
    assert sum(s in ("RESULTS", "CONCLUSIONS") for s in cited_sections) >= len(cited_sections) / 2


def test_answer_has_no_near_duplicate_sentences(fixture_library: Library):
    answer = ask(fixture_library, "Does vitamin D prevent hip fractures in elderly women?")
    sentences = [c.sentence for c in answer.citations]
    vectors = fixture_library.embed_texts(sentences)
    for i, j in itertools.combinations(range(len(sentences)), 2):
        assert not is_near_duplicate(sentences[i], sentences[j], float(vectors[i] @ vectors[j]))
    assert 0 < DUPLICATE_JACCARD < 1 and 0 < DUPLICATE_COSINE < 1


def test_near_duplicate_rule():
    a = "Rosuvastatin reduced the rate of myocardial infarction, stroke or cardiovascular death by 44%."
    b = "Rosuvastatin reduced the rate of myocardial infarction, stroke, or death from cardiovascular causes by 44%."
    assert is_near_duplicate(a, b, cosine=0.5)  # same words
    assert is_near_duplicate(a, "Completely different wording.", cosine=0.95)  # same meaning
    assert not is_near_duplicate(a, "Statins caused muscle pain in few patients.", cosine=0.4)


def test_retracted_article_is_listed_but_never_quoted(fixture_library: Library):
    answer = ask(fixture_library, "Does intravenous magnesium cure chronic migraine?")
    evidence = {h.pmid: h for h in answer.evidence}
    assert RETRACTED in evidence and evidence[RETRACTED].retracted
    assert RETRACTED not in {c.pmid for c in answer.citations}
    assert "retracted" in answer.bottom_line
    assert answer.as_json()["evidence"][[h.pmid for h in answer.evidence].index(RETRACTED)]["retracted"] is True


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_abstains_when_the_library_holds_no_evidence(fixture_library: Library, question: str):
    answer = ask(fixture_library, question)
    assert answer.abstained
    assert answer.answer in (NO_EVIDENCE, f"No article in this library mentions {' or '.join(answer.missing)}.")
    assert answer.citations == [] and answer.cited == []  # the closest articles are shown, never cited
    assert not any(e["cited"] for e in answer.as_json()["evidence"])


def test_a_question_naming_what_no_article_mentions_abstains_and_names_it(fixture_library: Library):
    # The library holds rosuvastatin and simvastatin trials, never atorvastatin: their quotes would mislead.
    answer = ask(fixture_library, "Does atorvastatin prevent heart attacks in people at low cardiovascular risk?")
    assert answer.abstained and answer.missing == ["atorvastatin"]
    assert answer.answer == "No article in this library mentions atorvastatin."
    assert answer.evidence and not answer.citations  # the closest articles, plainly not cited
    data = answer.as_json()
    assert data["missing"] == ["atorvastatin"] and data["verdict"] is None


@pytest.mark.parametrize(
    "question",
    [
        "Does rosuvastatine prevent heart attacks in healthy adults with a high C-reactive protein?",  # a typo
        "Do cholesterol pills prevent heart attacks in people at low risk?",  # lay words
    ],
)
def test_typos_and_lay_words_are_not_refused(fixture_library: Library, question: str):
    answer = ask(fixture_library, question)
    assert not answer.abstained and answer.missing == []
    assert set(answer.cited_pmids) <= set(STATINS)


def test_one_article_that_answers_is_the_one_cited(fixture_library: Library):
    answer = ask(
        fixture_library, "By how much did rosuvastatin cut heart attacks and strokes with a raised C-reactive protein?"
    )
    assert answer.cited_pmids == ["91000001"]
    assert "44%" in answer.answer
    assert [h.pmid for h in answer.cited] == ["91000001"] and answer.related


def test_abstains_when_filters_leave_no_article(fixture_library: Library):
    answer = ask(fixture_library, ON_TOPIC[0][0], SearchFilters(year_from=2100))
    assert answer.abstained and answer.answer == NO_EVIDENCE


def test_filters_restrict_what_is_quoted(fixture_library: Library):
    answer = ask(fixture_library, "Which drugs prevent migraine attacks?", SearchFilters(year_from=2016))
    assert not answer.abstained
    years = {a.pmid: a.year for a in FIXTURE_ARTICLES}
    assert all(years[c.pmid] >= 2016 for c in answer.citations)


def test_answer_json_shape(fixture_library: Library):
    data = ask(fixture_library, ON_TOPIC[2][0]).as_json()
    json.dumps(data)
    assert {"question", "answer", "abstained", "citations", "evidence", "timings_ms", "verdict", "missing"} <= set(data)
    assert set(data["citations"][0]) == {"pmid", "title", "sentence"}
    assert {"pmid", "title", "year", "publication_types", "level", "score", "cited", "stance"} <= set(
        data["evidence"][0]
    )
    assert data["evidence"][0]["cited"] and {e["pmid"] for e in data["evidence"] if e["cited"]} == {
        c["pmid"] for c in data["citations"]
    }
    assert data["timings_ms"]["total"] >= data["timings_ms"]["search"] > 0


def test_empty_question_and_unknown_mode_are_clear_errors(fixture_library: Library):
    with pytest.raises(UserError, match="empty"):
        ask(fixture_library, "  ")
    with pytest.raises(UserError, match="mode"):
        ask(fixture_library, "asthma", mode="poetry")


# ------------------------------------------------------------------------ the rule
def test_saved_rule_has_provenance_and_separates_fixture_questions(fixture_library: Library):
    rule = load_rule(fixture_library)
    assert {"date", "answerable", "offtopic", "objective", "rates_on_fitting_data"} <= set(rule.provenance)

    def probability(question: str) -> float:
        found = run_search(fixture_library, question)
        return rule.probability(features(found, subject_coverage(fixture_library, question)))

    on = [probability(q) for q, _ in ON_TOPIC]
    off = [probability(q) for q in OFF_TOPIC]
    assert min(on) > rule.threshold > max(off)


def test_fit_puts_the_threshold_between_separable_groups():
    # dense_top, term_coverage, leg_agreement, subject_missing, subject_in_top, rare_coverage
    titles = np.array(
        [[0.9, 1.0, 0.6, 0, 1, 1], [0.85, 1.0, 0.4, 0, 1, 1], [0.8, 0.9, 0.8, 0, 1, 0.9], [0.95, 1, 0.2, 0, 1, 1]]
    )
    paraphrases = np.array([[0.6, 0.5, 0.2, 0, 1, 0.6], [0.55, 0.4, 0.0, 0, 1, 0.5], [0.65, 0.6, 0.4, 0, 1, 0.7]])
    offtopic = np.array([[0.15, 0, 0, 0, 1, 0], [0.2, 0.1, 0, 0, 1, 0], [0.3, 0.2, 0, 0, 1, 0.1], [0.1, 0, 0, 0, 1, 0]])
    near_misses = np.array([[0.7, 0.8, 0.4, 1, 0, 0.3], [0.65, 0.7, 0.2, 1, 1, 0.4], [0.75, 0.6, 0.6, 0, 0, 0.2]])
    rule, rates = fit([titles, paraphrases], [offtopic, near_misses])
    assert rates == {"abstain_on_answerable": [0.0, 0.0], "abstain_on_offtopic": [1.0, 1.0]}
    rows = (*titles, *paraphrases, *offtopic, *near_misses)
    as_dict = [dict(zip(rule.features, row, strict=True)) for row in rows]
    assert [rule.abstains(d) for d in as_dict] == [False] * 7 + [True] * 7
    lowest_answerable = min(rule.probability(d) for d in as_dict[:7])
    highest_offtopic = max(rule.probability(d) for d in as_dict[7:])
    assert rule.threshold == pytest.approx((lowest_answerable + highest_offtopic) / 2)


# ------------------------------------------------------------------------- LLM mode
@pytest.mark.llm
def test_llm_mode_cites_only_evidence_or_falls_back_to_quotes(fixture_library: Library):
    pytest.importorskip("retrieval.answers.llm.answer", reason="the verified generation module is not in this checkout")
    tokens: list[str] = []
    answer = ask(fixture_library, ON_TOPIC[2][0], mode="llm", on_token=tokens.append)
    assert answer.mode == "llm" and not answer.abstained
    assert tokens and "llm_total" in answer.timings_ms
    evidence = {h.pmid for h in answer.evidence}
    assert answer.citations and {c.pmid for c in answer.citations} <= evidence
    assert all(f"[{c.pmid}" in answer.answer or c.pmid in answer.answer for c in answer.citations)
    if answer.quoted_after_llm:  # nothing written survived: the extractive answer, with the reasons kept
        assert answer.removed and all(c.sentence in ABSTRACTS[c.pmid] for c in answer.citations)


def test_llm_mode_abstains_without_running_the_model(fixture_library: Library):
    tokens: list[str] = []
    answer = ask(fixture_library, OFF_TOPIC[2], mode="llm", on_token=tokens.append)
    assert answer.abstained and answer.answer == NO_EVIDENCE
    assert tokens == [] and "llm_total" not in answer.timings_ms


def test_a_model_finding_the_evidence_insufficient_is_an_abstention_not_quotes(fixture_library: Library, monkeypatch):
    from retrieval.answers.llm import answer as llm_answer

    said = "The evidence is insufficient to answer this question."
    insufficient = llm_answer.VerifiedDraft([], [{"sentence": said, "reason": "no citation"}], said, 1.0, 2.0)
    insufficient.said_insufficient = True
    monkeypatch.setattr(llm_answer, "generate_verified", lambda *args, **kwargs: insufficient)
    answer = ask(fixture_library, ON_TOPIC[0][0], mode="llm")
    assert answer.abstained and answer.answer == INSUFFICIENT
    assert answer.citations == [] and answer.evidence  # the closest articles, none quoted


def test_a_yes_no_question_gets_a_verdict_resting_on_the_cited_articles(fixture_library: Library):
    question = "Does rosuvastatin reduce cardiovascular events in adults with high C-reactive protein?"
    answer = ask(fixture_library, question)
    assert answer.verdict == "yes" and answer.bottom_line.startswith("Yes: one randomized controlled trial")
    assert set(answer.stances) == set(answer.cited_pmids)
    stance = answer.stances[answer.cited_pmids[0]]
    assert stance.stance == "supports" and stance.sentence in ABSTRACTS[answer.cited_pmids[0]]
    cited = [e for e in answer.as_json()["evidence"] if e["cited"]]
    assert cited[0]["stance"] == "supports" and cited[0]["stance_sentence"] == stance.sentence
    assert ask(fixture_library, "What dose of rosuvastatin was given?").verdict is None


def test_a_question_asking_two_things_is_read_in_parts():
    from retrieval.answers.extractive import question_parts

    assert question_parts("What dose of X was used, and how much did it lower cholesterol?") == [
        "What dose of X was used",
        "how much did it lower cholesterol?",
    ]
    assert question_parts("How long does fondaparinux last - what is its half-life in the elderly?") == [
        "How long does fondaparinux last",
        "what is its half-life in the elderly?",
    ]
    assert question_parts("Does it lower insulin sensitivity, and by how much?") == [
        "Does it lower insulin sensitivity, and by how much?"
    ]
    # texting's "n", and the story told before the question, part it too
    assert question_parts("wat was the max dose of flurbiprofen, n what was the most comon side effect") == [
        "wat was the max dose of flurbiprofen",
        "what was the most comon side effect",
    ]
    assert question_parts("pt on amiodarone, VT refractory to all else. in that series, what loading dose?") == [
        "pt on amiodarone, VT refractory to all else.",
        "in that series, what loading dose?",
    ]


def test_each_part_of_a_question_gets_its_best_sentence_first():
    import numpy as np

    from retrieval.answers.extractive import MAX_SENTENCES, Candidate, select

    # many sentences close to the first part, one answering the second part a little less well overall
    pool = [Candidate("1", "t", "RESULTS", f"dose sentence {i}", 0.0, 0.9 - i / 100) for i in range(MAX_SENTENCES)]
    pool.append(Candidate("1", "t", "RESULTS", "cholesterol fell by 30%", 0.0, 0.5))
    vectors = np.eye(len(pool))
    parts = np.array([[0.9 - i / 100, 0.1] for i in range(MAX_SENTENCES)] + [[0.1, 0.8]])
    assert "cholesterol fell by 30%" not in [c.sentence for c in select(pool, vectors)]
    assert "cholesterol fell by 30%" in [c.sentence for c in select(pool, vectors, parts)]
    # a part's own answer is quoted however far it is from the sentence closest to the whole question
    pool[-1].score = 0.2
    assert "cholesterol fell by 30%" in [c.sentence for c in select(pool, vectors, parts)]


def test_an_answer_says_how_it_read_the_question(fixture_library: Library):
    answer = ask(fixture_library, "Does rosuvastatn reduce cardiovascular events in adults with high CRP?")
    # a typing slip, and initials no article writes, spelled out as the articles write them
    read = {"rosuvastatn": "rosuvastatin", "CRP": "C-reactive protein"}
    assert answer.read_as == read
    assert answer.as_json()["read_as"] == read
    assert answer.read_as_text == "rosuvastatn → rosuvastatin; CRP → C-reactive protein"


def test_a_named_drug_is_quoted_only_from_an_article_that_mentions_it(library_factory):
    from retrieval.answers.extractive import answering_hits
    from retrieval.library.records import AbstractSection, Article

    transporter = Article(
        pmid="93000001",
        title="Duloxetine and norepinephrine transporter blockade in healthy volunteers",
        year=2004,
        abstract=[AbstractSection("Duloxetine blocked the norepinephrine transporter at usual doses.")],
    )
    gabapentin = Article(
        pmid="93000002",
        title="Gabapentin for painful diabetic neuropathy",
        year=1998,
        abstract=[AbstractSection("Gabapentin reduced daily pain scores in painful diabetic neuropathy.")],
    )
    library = library_factory([transporter, gabapentin])
    question = "Is duloxetine effective for painful diabetic neuropathy?"
    subjects = subject_coverage(library, question)
    assert "duloxetine" in subjects.chemicals and subjects.together == []
    hits = run_search(library, question, k=10).hits
    # no article names duloxetine with neuropathy: the gabapentin article is never the one quoted
    assert [h.pmid for h in answering_hits(hits, subjects)] == ["93000001"]
    without = [h for h in hits if h.pmid != "93000001"]
    assert answering_hits(without, subjects) == []
    assert subjects.elsewhere_sentence() == (
        "The library mentions duloxetine, but in no article about the rest of this question."
    )


def test_drugs_asked_about_together_are_quoted_only_together(library_factory):
    from retrieval.library.records import AbstractSection, Article

    def article(pmid: str, title: str, text: str) -> Article:
        return Article(pmid=pmid, title=title, year=2001, abstract=[AbstractSection(text)])

    library = library_factory(
        [
            article("93100001", "Ibuprofen and renal function", "Ibuprofen lowered renal blood flow in older adults."),
            article("93100002", "Lithium toxicity in the elderly", "Lithium levels rose with dehydration and age."),
            article("93100003", "Fluoroquinolone use in cystitis", "Ofloxacin cured cystitis in most women."),
            article("93100004", "Quinolone resistance in E. coli", "Quinolone resistance rose over ten years."),
        ]
    )
    # "lithium" is too common a word to be a subject alone; beside ibuprofen it is a second drug
    answer = ask(library, "Does lithium interact with ibuprofen?")
    assert answer.abstained and answer.cited_pmids == []
    assert answer.answer == "The library mentions ibuprofen and lithium, but no article mentions them together."
    # a drug given as an example of a class is one subject with it, not a combination
    subjects = subject_coverage(library, "Is a quinolone like ofloxacin still good for cystitis?")
    assert subjects.naming_every_chemical == ["93100003", "93100004"]
    # a drug only the story names is no second drug the answer must quote with the one asked about
    story = "She had lithium for years and is fine on it. Does ibuprofen harm the kidneys in older adults?"
    assert subject_coverage(library, story).naming_every_chemical == ["93100001"]


def test_a_brand_the_recogniser_misses_is_still_a_drug(fixture_library: Library):
    assert subject_coverage(fixture_library, "Does Botox help chronic migraine?").subjects[0].chemical


def test_a_top_article_naming_every_drug_asked_together_holds_the_subjects_of_a_note():
    from retrieval.answers.abstention import subject_in_top
    from retrieval.search.hybrid import SearchResult
    from retrieval.search.results import Hit
    from retrieval.search.subjects import Subject, SubjectCoverage

    def hit(pmid: str) -> Hit:
        return Hit(pmid, "A case", 2001, "J", [], "case report", False, 1.0)

    metoprolol = Subject("metoprolol", ("metoprolol",), 10, drug_names=(("metoprolol",),))
    lamisil = Subject("Lamisil", ("lamisil",), 1, drug_names=(("lamisil",), ("terbinafine",)))
    ihd = Subject("IHD", ("ihd",), 1)  # the reason for the first drug, which the answering article never writes
    result = SearchResult(hits=[hit("24894748"), hit("2")])
    two_drugs = SubjectCoverage([metoprolol, ihd, lamisil], together=[], naming_every_chemical=["24894748"])
    assert subject_in_top(result, two_drugs)
    one_drug = SubjectCoverage([metoprolol, ihd], together=[], naming_every_chemical=["24894748"])
    assert not subject_in_top(result, one_drug)  # one drug alone: every subject must be in a top article
