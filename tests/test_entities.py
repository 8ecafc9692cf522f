"""Entities: PubTator loading, concepts, relations, the recogniser's passes, the shipped model, the CLI, the library."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import SHARED_DATA

from ingest.pipeline import ingest
from retrieval.library import Library
from retrieval.library.entities import MODEL_DIR, abbreviations, extractor, model_version, repeats
from retrieval.library.entities import jsonl as entities_jsonl
from retrieval.library.entities.concepts import Concepts, normalise
from retrieval.library.entities.dictionary import Dictionary
from retrieval.library.entities.pubtator import load, parse
from retrieval.library.entities.relations import RelationModel, candidates
from retrieval.library.entities.spans import merge
from retrieval.library.filters import SearchFilters
from retrieval.library.records import AbstractSection, Article
from retrieval.settings import Settings

RAW = SHARED_DATA / "raw"

PUBTATOR = """\
1|t|Naloxone reverses hypotension.
1|a|Clonidine-induced hypotension was reversed by naloxone in rats.
1\t0\t8\tNaloxone\tChemical\tD009270
1\t18\t29\thypotension\tDisease\tD007022
1\t31\t40\tClonidine\tChemical\tD003000
1\t49\t60\thypotension\tDisease\tD007022
1\t77\t85\tnaloxone\tChemical\tD009270
1\t0\t3\tbad offset\tChemical\tD0
1\tCID\tD003000\tD007022

2|t|Hereditary breast cancer.
2|a|BRCA1 carriers.
2\t11\t24\tbreast cancer\tSpecificDisease\tD001943
"""


def test_pubtator_reads_mentions_relations_and_types(tmp_path: Path):
    path = tmp_path / "tiny.txt"
    path.write_text(PUBTATOR)
    one, two = parse(path)
    assert one.text.startswith("Naloxone reverses hypotension. Clonidine")
    assert [(m.text, m.type, m.ids) for m in one.mentions][:2] == [
        ("Naloxone", "Chemical", ("D009270",)),
        ("hypotension", "Disease", ("D007022",)),
    ]
    assert len(one.mentions) == 5  # the mention whose offsets do not match the text is dropped
    assert one.relations == {("D003000", "D007022")}
    assert [(m.text, m.type) for m in two.mentions] == [("breast cancer", "Disease")]


def test_bc5cdr_train_is_the_500_training_abstracts_without_dev_or_test():
    train, dev, test = (load(RAW, "bc5cdr", s) for s in ("train", "dev", "test"))
    assert (len(train), len(dev), len(test)) == (500, 500, 500)
    assert not {d.pmid for d in train} & ({d.pmid for d in dev} | {d.pmid for d in test})


def test_concepts_group_synonyms_and_abbreviations():
    concepts = Concepts.fit(
        [
            ("acetaminophen", "Chemical", ["D000082"]),
            ("paracetamol", "Chemical", ["D000082"]),
            ("Acetaminophen", "Chemical", ["D000082"]),
            ("hepatotoxicity", "Disease", ["D056486"]),
        ]
    )
    assert normalise("Acetaminophens") == normalise("acetaminophen") == "acetaminophen"
    text = "Acetaminophen (APAP) and paracetamol: APAP again, and zorbitol."
    spans = [
        (0, 13, "Chemical"),
        (15, 19, "Chemical"),
        (25, 36, "Chemical"),
        (38, 42, "Chemical"),
        (54, 62, "Chemical"),
    ]
    assert concepts.link(text, spans) == ["D000082", "D000082", "D000082", "D000082", "name:zorbitol"]
    assert concepts.name_of("D000082") == "acetaminophen"


def test_relation_candidates_pair_cooccurring_chemicals_and_diseases():
    text = "Cocaine-induced seizures. Seizures followed cocaine; aspirin was given."
    entities = [
        (0, 7, "Chemical", "C"),
        (16, 24, "Disease", "S"),
        (26, 34, "Disease", "S"),
        (44, 51, "Chemical", "C"),
        (53, 60, "Chemical", "A"),
    ]
    pairs = candidates(text, 25, entities)
    assert set(pairs) == {("C", "S"), ("A", "S")}
    dense, _ = pairs["C", "S"]
    model = RelationModel([0.0] * len(dense), {}, 0.5)
    assert model.predict(text, 25, entities) == [("A", "S"), ("C", "S")]  # score 0.5 everywhere


# ------------------------------------------------------------ passes over the pipeline's spans
def blank_doc(text: str):
    import spacy

    from retrieval.library.entities.tokenizer import biomedical_tokenizer

    return biomedical_tokenizer(spacy.blank("en")).make_doc(text)


def spans_of(doc, triples) -> list[tuple[str, str]]:
    return [(doc.text[s:e], k) for s, e, k in triples]


def test_abbreviation_defined_by_an_entity_takes_its_type_everywhere_and_one_defined_by_none_is_dropped():
    text = (
        "Rats were stimulated (deep brain stimulation, DBS) and given pilocarpine (PILO). "
        "Seizures followed PILO; DBS (deep brain stimulation (DBS)) did not stop them, and PILO was repeated."
    )
    doc = blank_doc(text)
    assert [d[0] for d in abbreviations.definitions(text)] == ["PILO", "DBS"]  # far from the start too
    found = [(text.index("pilocarpine"), text.index("pilocarpine") + 11, "Chemical")]
    found.append((text.index("PILO;"), text.index("PILO;") + 4, "Disease"))  # the pipeline's wrong type
    found.append((text.index("DBS ("), text.index("DBS (") + 3, "Chemical"))  # a procedure, no entity
    assert spans_of(doc, abbreviations.apply(doc, found)) == [
        ("pilocarpine", "Chemical"),
        ("PILO", "Chemical"),
        ("PILO", "Chemical"),
        ("PILO", "Chemical"),
    ]


def test_a_name_tagged_once_is_tagged_at_its_other_occurrences():
    text = "Iohexol was injected. Nephropathy after IOHEXOL is rare; iohexol-induced pain."
    doc = blank_doc(text)
    found = repeats.apply(doc, [(0, 7, "Chemical"), (text.index("Neph"), text.index("Neph") + 11, "Disease")])
    assert spans_of(doc, found) == [
        ("Iohexol", "Chemical"),
        ("Nephropathy", "Disease"),
        ("IOHEXOL", "Chemical"),
        ("iohexol", "Chemical"),
    ]


def test_merge_keeps_the_first_spans_or_the_longest():
    kept, added = [(0, 5, "Disease")], [(0, 12, "Disease"), (20, 25, "Chemical")]
    assert merge(kept, added, longest=False) == [(0, 5, "Disease"), (20, 25, "Chemical")]
    assert merge(kept, added, longest=True) == [(0, 12, "Disease"), (20, 25, "Chemical")]


def test_dictionary_matches_names_annotated_in_enough_of_their_occurrences():
    import spacy

    from retrieval.library.entities.pubtator import Document, Mention

    text = "Lead and ketoprofen. Lead pipes, lead paint; ketoprofens."
    doc = Document("1", text, "", [Mention(0, 4, "Lead", "Chemical", ()), Mention(9, 19, "ketoprofen", "Chemical", ())])
    nlp = spacy.blank("en")
    fitted = Dictionary.fit(nlp, [([doc], ("Chemical", "Disease"))])
    # "ketoprofens" (never annotated) counts as an occurrence of "ketoprofen"
    assert fitted.entries["lead"].share == 1 / 3 and fitted.entries["ketoprofen"].share == 0.5
    found = Dictionary(fitted.entries, 0.5).find(nlp, nlp.make_doc("Ketoprofens, not lead."))
    assert found == [(0, 11, "Chemical")]


# ----------------------------------------------------------------- the shipped model
def test_shipped_model_is_small_and_has_its_provenance():
    size = sum(f.stat().st_size for f in MODEL_DIR.rglob("*") if f.is_file())
    assert size <= 25 * 2**20
    provenance = json.loads((MODEL_DIR / "provenance.json").read_text())
    assert provenance["command"].startswith("python -m retrieval.library.entities.train")
    assert "bc5cdr:test" in provenance["scores"]


def test_extractor_finds_drugs_diseases_and_the_induced_relation():
    text = (
        "Acetaminophen-induced hepatotoxicity in children. "
        "We report three children who developed severe hepatotoxicity after an overdose of acetaminophen."
    )
    result = extractor().extract([text])[0]
    kinds = {(e.text.lower(), e.type) for e in result.entities}
    assert ("acetaminophen", "Chemical") in kinds
    assert ("hepatotoxicity", "Disease") in kinds
    for e in result.entities:
        assert text[e.start : e.end] == e.text
    acetaminophen = {e.concept for e in result.entities if e.text.lower() == "acetaminophen"}
    assert acetaminophen == {"D000082"}
    assert result.relations and all(c in acetaminophen for c, _ in result.relations)


def test_dictionary_and_abbreviations_find_what_the_pipeline_alone_misses():
    text = (
        "We studied lead and chlorothiazide in rats. Chlorothiazide caused gastric ulcers. "
        "Lidocaine (LID) was given to ten patients; headache after LID was mild."
    )
    ex = extractor()
    alone = {(e.text, e.label_) for e in ex.recognizer.nlp(text).ents}
    found = [(e.text, e.type) for e in ex.extract([text])[0].entities]
    wanted = {("chlorothiazide", "Chemical"), ("Chlorothiazide", "Chemical"), ("LID", "Chemical")}
    assert wanted <= set(found)
    assert wanted - alone, "the pipeline alone finds these: pick a sentence it misses"
    assert ("LID", "Disease") not in found  # the abbreviation takes its long form's type
    assert ("lead", "Chemical") not in found  # "lead" is annotated in too few of its occurrences


def run_cli(lines: list[str]) -> list[dict]:
    out = io.StringIO()
    entities_jsonl.run(io.StringIO("\n".join(lines) + "\n"), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_jsonl_answers_every_line_in_order_even_bad_input():
    long_text = "Lithium toxicity was reported. " * 35_000  # about 1 MB
    rows = run_cli(
        [
            json.dumps({"id": "a", "text": "Cisplatin nephrotoxicity in rats."}),
            json.dumps({"id": "empty", "text": ""}),
            "",
            "not json",
            json.dumps({"id": "no-text"}),
            json.dumps({"id": 7, "text": 42}),
            json.dumps({"id": "markup", "text": "<b>Cisplatin</b> &amp; <i>nephrotoxicity</i><script>x</script>"}),
            json.dumps({"id": "de", "text": "Die Nebenwirkungen von Ibuprofen sind selten. 肝毒性"}),
            json.dumps({"id": "long", "text": long_text}),
        ]
    )
    assert [r["id"] for r in rows] == ["a", "empty", None, "no-text", 7, "markup", "de", "long"]
    first = rows[0]
    assert set(first) == {"id", "entities", "relations"}
    assert {e["type"] for e in first["entities"]} == {"Chemical", "Disease"}
    assert set(first["entities"][0]) == {"start", "end", "type", "text", "concept"}
    assert rows[1]["entities"] == [] and "error" not in rows[1]
    assert "not JSON" in rows[2]["error"] and 'no "text"' in rows[3]["error"] and "string" in rows[4]["error"]
    markup = json.loads(json.dumps({"text": "<b>Cisplatin</b> &amp; <i>nephrotoxicity</i><script>x</script>"}))["text"]
    for e in rows[5]["entities"]:
        assert markup[e["start"] : e["end"]] == e["text"]
    assert "error" not in rows[6]
    assert "only the first 100,000" in rows[7]["warning"] and rows[7]["entities"]


def test_retrieval_cli_entities_command(monkeypatch, capsys):
    from retrieval.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": 1, "text": "Haloperidol-induced dystonia."}\n'))
    assert main(["entities"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["id"] == 1 and any(e["type"] == "Disease" for e in row["entities"])


# ------------------------------------------------------------------------- the library
def article(pmid: str, title: str, abstract: str) -> Article:
    return Article(pmid=pmid, title=title, abstract=[AbstractSection(abstract)], journal="J", year=2020, language="eng")


ARTICLES = [
    article(
        "101",
        "Cisplatin-induced nephrotoxicity in children",
        "Nephrotoxicity developed in 12 of 40 children treated with cisplatin for osteosarcoma.",
    ),
    article(
        "102",
        "Haloperidol and acute dystonia",
        "Acute dystonia occurred after haloperidol in young men; cisplatin was not given.",
    ),
    article("103", "Cisplatin ototoxicity", "Hearing loss followed cisplatin chemotherapy in adults."),
]


@pytest.fixture(scope="module")
def entity_library(tmp_path_factory) -> Library:
    library = Library(Settings(data_dir=tmp_path_factory.mktemp("entities")))
    ingest(library, ARTICLES, kind="test", source="fixture")
    return library


def test_ingest_stores_entities_with_offsets_into_title_or_abstract(entity_library: Library):
    store = entity_library.store
    assert store.count_without_entities(model_version()) == 0
    rows = store.article_entities("101")
    assert rows, "no entities stored"
    for row in rows:
        text = ARTICLES[0].title if row.section == "title" else ARTICLES[0].abstract_text
        assert text[row.start : row.end] == row.text
    assert {r.type for r in rows} == {"Chemical", "Disease"}


def test_entity_facets_count_articles_per_concept(entity_library: Library):
    facets = entity_library.store.entity_facets(["101", "102", "103"], "Chemical")
    cisplatin = [f for f in facets if f.name.lower() == "cisplatin"]
    assert len(cisplatin) == 1 and cisplatin[0].count == 3  # one concept, not one row per spelling
    assert facets[0] == cisplatin[0]
    assert entity_library.store.entity_facets(["102"], "Chemical")[0].count == 1


def test_drug_and_disease_filters_narrow_the_articles(entity_library: Library):
    store = entity_library.store
    cisplatin = next(f for f in store.entity_facets(None, "Chemical") if f.name.lower() == "cisplatin")
    clause = store.filter_clause(SearchFilters(drugs=[cisplatin.concept]))
    assert store.allowed_pmids(clause) == {"101", "102", "103"}
    clause = store.filter_clause(SearchFilters(drugs=["Cisplatin"], diseases=["nephrotoxicity"]))
    assert store.allowed_pmids(clause) == {"101"}


def test_adverse_effects_list_conditions_with_their_pmids(entity_library: Library):
    effects = entity_library.store.adverse_effects("cisplatin")
    assert effects, "no induced condition found for cisplatin"
    names = {name.lower() for _, name, _ in effects}
    assert "nephrotoxicity" in names
    assert all(pmids for _, _, pmids in effects)


def test_backfill_reads_articles_without_entities_and_resumes(tmp_path: Path):
    library = Library(Settings(data_dir=tmp_path, extract_entities=False))
    ingest(library, ARTICLES, kind="test", source="fixture")
    shipped = model_version()
    assert library.store.count_without_entities(shipped) == 3
    on = Library(Settings(data_dir=tmp_path))
    ingest(on, [], kind="test", source="backfill")  # any import backfills
    assert on.store.count_without_entities(shipped) == 0
    # an edited abstract is read again
    changed = article("103", "Cisplatin ototoxicity", "Tinnitus followed cisplatin in adults.")
    changed.date_revised = "2030-01-01"
    with sqlite3.connect(tmp_path / "library.sqlite") as conn:
        before = conn.execute("SELECT count(*) FROM entity_status").fetchone()[0]
    on.store.upsert_articles([changed], "edit", on.chunker)
    assert before == 3 and on.store.count_without_entities(shipped) == 1


def test_articles_read_by_an_earlier_entity_model_are_read_again_on_the_next_import(tmp_path: Path):
    library = Library(Settings(data_dir=tmp_path))
    ingest(library, ARTICLES, kind="test", source="fixture")
    with sqlite3.connect(tmp_path / "library.sqlite") as conn:
        conn.execute("UPDATE entity_status SET model = 'an earlier model' WHERE pmid IN ('101', '102')")
        conn.execute("DELETE FROM entities WHERE pmid = '101'")
    assert library.store.count_without_entities(model_version()) == 2
    ingest(library, [], kind="test", source="backfill")
    assert library.store.count_without_entities(model_version()) == 0
    with sqlite3.connect(tmp_path / "library.sqlite") as conn:
        models = {m for (m,) in conn.execute("SELECT DISTINCT model FROM entity_status")}
    assert models == {model_version()}
    assert any(e.type == "Chemical" for e in library.store.article_entities("101"))


def test_a_concept_is_shown_by_its_full_name_even_when_an_abbreviation_is_more_frequent():
    mentions = [("tAMCA", "Chemical", ["D014148"])] * 3 + [("tranexamic acid", "Chemical", ["D014148"])]
    mentions += [("LTG", "Chemical", ["C047781"])]
    concepts = Concepts.fit(mentions)
    assert concepts.name_of("D014148") == "tranexamic acid"
    assert concepts.name_of("C047781") == "LTG"  # no full name known: the abbreviation as written
