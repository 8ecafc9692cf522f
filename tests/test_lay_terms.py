"""Lay terms found in questions, and the clinical names keyword search adds for them."""

from __future__ import annotations

from retrieval.search.brand_names import BRAND_NAMES
from retrieval.search.lay_terms import LAY_TERMS, clinical_names, lay_terms


def test_the_longest_lay_term_wins_and_case_and_spacing_do_not_matter():
    [term] = lay_terms("Why does my Tummy  Ache after milk?")
    assert term.text == "Tummy  Ache" and term.clinical == ("abdominal pain",)


def test_lay_terms_match_whole_words_only():
    assert lay_terms("Is mono-therapy with potassium enough for flush pee-related issues?") == []
    names = clinical_names("Does a flu shot work in teens?")
    assert names == ["influenza vaccine", "influenza vaccination", "adolescents"]


def test_curly_apostrophes_are_read_as_straight_ones():
    assert clinical_names("Can athlete’s foot spread?") == ["tinea pedis"]


def test_every_lay_term_is_written_as_looked_up_and_has_clinical_names_other_than_itself():
    assert all(term == " ".join(term.lower().split()) for term in LAY_TERMS)
    assert all(names and term not in names for term, names in LAY_TERMS.items())


def test_an_operation_said_in_lay_words_is_its_clinical_name():
    assert clinical_names("After a child has their tonsils out, do late bleeds happen?") == ["tonsillectomy"]
    assert clinical_names("Is sodium bicarb added to the injection?") == ["bicarbonate"]


def test_a_dummy_pill_is_a_placebo():
    assert clinical_names("Did it work better than a dummy pill?") == ["placebo"]


def test_brand_names_are_read_as_generic_names():
    assert clinical_names("Can I take Tylenol with Coumadin?") == ["acetaminophen", "paracetamol", "warfarin"]
    assert all(term == term.lower() and names for term, names in BRAND_NAMES.items())


def test_a_clinical_abbreviation_is_read_as_its_spelled_out_name(library_factory):
    from retrieval.library.records import AbstractSection, Article
    from retrieval.search.subjects import subject_coverage

    asthma = Article(
        pmid="92100001",
        title="Salmeterol or theophylline in asthma",
        year=2000,
        abstract=[AbstractSection("The long-acting beta2-agonist salmeterol caused fewer adverse events.")],
    )
    library = library_factory([asthma])
    coverage = subject_coverage(library, "Salmeterol vs theophylline in asthma - fewer AEs with LABA?")
    assert coverage.missing == [] and coverage.read_as["LABA"] == "long-acting beta2-agonist"
    # spelled out nowhere, it is still missing, under the name the question gave
    assert subject_coverage(library, "Is salmeterol safe in HFrEF?").missing == ["HFrEF"]


def test_a_scope_and_being_bedbound_are_read_as_abstracts_write_them():
    assert "esophagogastroduodenoscopy" in clinical_names("Is midazolam better for gastroscopy?")
    assert "immobilization" in clinical_names("She was bedbound for five days before the arrest.")
    assert "bilateral" in clinical_names("bilat STN stim for advanced parkinsons")
    assert "pretreatment" in clinical_names("Any apnoea or sedation from the pretx?")
    assert "allogeneic stem cell transplantation" in clinical_names("Chronic GVHD post allo-SCT: taper the pred?")
    assert "cystoid macular edema" in clinical_names("Birdshot with CMO: does the implant help?")


def test_an_anti_sickness_medicine_is_an_antiemetic():
    assert clinical_names("Is the anti-sickness medicine Reglan safe?")[:2] == ["antiemetic", "anti-emetic"]


def test_an_all_nighter_is_sleep_deprivation():
    assert clinical_names("Could pulling an all-nighter on Zyban bring on a fit?")[0] == "sleep deprivation"


def test_a_surgeons_durotomy_is_a_dural_tear_and_chemo_rt_is_chemoradiotherapy():
    assert clinical_names("Incidental durotomy after spine surgery: drain?") == ["dural tear", "dural tears"]
    assert clinical_names("Rectal ca before neoadj chemoRT: does PET change mgmt?")[0] == "chemoradiotherapy"
