"""A drug class and its members by their names' shared stems."""

from __future__ import annotations

from retrieval.search.drug_classes import is_class_of


def test_a_class_knows_its_members_by_their_stem():
    assert is_class_of("ACEi", "enalapril") and is_class_of("ACE inhibitors", "captopril")
    assert is_class_of("statins", "atorvastatin") and is_class_of("beta-blocker", "metoprolol")
    assert is_class_of("cephalosporins", "ceftriaxone") and is_class_of("DOACs", "apixaban")


def test_a_drug_of_another_class_or_an_unknown_class_is_no_member():
    assert not is_class_of("ACEi", "metformin") and not is_class_of("statins", "enalapril")
    assert not is_class_of("antibiotics", "amoxicillin")  # a class with no shared stem is not in the table
    assert not is_class_of("cephalosporins", "oxacef")  # the stem opens the name
