"""Linking names the annotations spell otherwise, and the prior the relation classifier counts."""

from __future__ import annotations

import math
from pathlib import Path

from retrieval.library.entities.concepts import Concepts
from retrieval.library.entities.prior import Annotated, Prior
from retrieval.library.entities.relations import RelationModel, candidates

KNOWN = [
    ("anemia", "Disease", ["D000740"]),
    ("heart failure", "Disease", ["D006333"]),
    ("thromboembolism", "Disease", ["D013923"]),
    ("leukopenia", "Disease", ["D007970"]),
    ("vincristine", "Chemical", ["D014750"]),
]


def test_spelling_variants_salts_and_modifiers_link_to_the_annotated_concept():
    concepts = Concepts.fit(KNOWN)
    assert concepts.lookup("anaemia", "Disease") == "D000740"  # British spelling
    assert concepts.lookup("thrombo-embolism", "Disease") == "D013923"  # spacing
    assert concepts.lookup("vincristine sulfate", "Chemical") == "D014750"  # a salt
    assert concepts.lookup("acute heart failure", "Disease") == "D006333"  # a leading modifier
    assert concepts.lookup("leucopenia", "Disease") == "name:leucopenia"  # no nearest-name look-up by default


def test_the_nearest_annotated_name_links_only_above_its_similarity():
    concepts = Concepts.fit(KNOWN)
    concepts.min_similarity = 0.7
    assert concepts.lookup("leucopenia", "Disease") == "D007970"
    assert concepts.lookup("zorbitol", "Disease") == "name:zorbitol"
    concepts.min_similarity = 0.9
    concepts._nearest.clear()
    assert concepts.lookup("leucopenia", "Disease") == "name:leucopenia"


def test_concepts_keep_their_similarity_through_json(tmp_path: Path):
    concepts = Concepts.fit(KNOWN)
    concepts.min_similarity = 0.7
    concepts.to_json(tmp_path / "concepts.json")
    assert Concepts.from_json(tmp_path / "concepts.json").lookup("leucopenia", "Disease") == "D007970"


def doc(chems: set[str], diseases: set[str], relations: set[tuple[str, str]]) -> Annotated:
    return Annotated(frozenset(chems), frozenset(diseases), frozenset(relations))


def test_the_prior_leaves_a_training_abstract_out_of_its_own_features():
    a = doc({"C"}, {"D"}, {("C", "D")})
    b = doc({"C"}, {"D", "E"}, {("C", "D")})
    only = doc({"X"}, {"Y"}, {("X", "Y")})
    prior = Prior.count([a, b, only])
    # a new abstract sees both annotations of (C, D): twice related in two abstracts naming both
    assert prior.features("C", "D")[:2] == [math.log1p(2), 1.0]
    # training on a: only b's annotation is left
    assert prior.features("C", "D", own=a)[:2] == [math.log1p(1), 1.0]
    # a pair related in one abstract only says nothing about that abstract
    pair_known, pair_rate, chem_rate, dis_rate, chem_seen, dis_seen = prior.features("X", "Y", own=only)
    assert (pair_known, pair_rate, chem_rate, dis_rate, chem_seen, dis_seen) == (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    assert prior.features("C", "E")[2:4] == [1.0, 0.0]  # C always causes something; E was never caused
    assert Prior.from_dict(prior.to_dict()).features("C", "D", own=a) == prior.features("C", "D", own=a)


def test_a_relation_model_keeps_its_prior_through_json(tmp_path: Path):
    text = "Cocaine-induced seizures. Aspirin was given."
    entities = [(0, 7, "Chemical", "C"), (16, 24, "Disease", "S"), (26, 33, "Chemical", "A")]
    prior = Prior.count([doc({"C"}, {"S"}, {("C", "S")})])
    dense, _ = candidates(text, 25, entities, prior)["C", "S"]
    weights = [0.0] * len(dense)
    weights[-6] = 5.0  # pair_known_log: only the prior tells the pairs apart
    model = RelationModel(weights, {}, 0.9, prior)
    model.to_json(tmp_path / "relations.json")
    assert RelationModel.from_json(tmp_path / "relations.json").predict(text, 25, entities) == [("C", "S")]
    assert RelationModel(weights, {}, 0.9).predict(text, 25, entities) == []  # without it, nothing passes
