"""What a question is about, whether the library mentions it, and the relevance bar of search."""

from __future__ import annotations

import pytest

from retrieval.library import Library
from retrieval.library.records import AbstractSection, Article
from retrieval.search import subjects
from retrieval.search.initials import spelled_out
from retrieval.search.legs import bm25_leg
from retrieval.search.lookup import typed_pmid
from retrieval.search.relevance import relevant_search
from retrieval.search.subjects import Subject, SubjectCoverage, is_subject_word, question_subjects, subject_coverage
from tests.library_support import STATINS


def abstract(pmid: str, title: str, text: str, year: int = 2001) -> Article:
    """A one-paragraph article: all a subject check reads."""
    return Article(pmid=pmid, title=title, year=year, abstract=[AbstractSection(text)])


@pytest.mark.parametrize(
    ("question", "subjects"),
    [
        ("How should a ward be cleaned after a Candida auris outbreak?", ["Candida auris"]),
        ("What is the case fatality rate of Marburg virus disease?", ["Marburg virus disease"]),
        ("What dose of IV levothyroxine treats myxedema coma?", ["levothyroxine", "myxedema"]),
        ("Does stage IV or type II disease respond to HPV vaccines?", ["HPV vaccines"]),
        ("Is Ozempic safe with chronic kidney disease?", ["Ozempic"]),
        ("Does SGLT2 inhibition protect the kidneys?", ["SGLT2"]),
        ("Do water pills help people with a weak heart?", []),
        ("Does proton beam therapy cause less xerostomia?", ["proton beam therapy", "xerostomia"]),
        ("Does catheter-based renal denervation lower blood pressure?", ["catheter-based renal denervation"]),
        ("Can patients eat soon after bowel surgery or a new therapy?", []),
        ("Is it safe for people receiving renal replacement therapy?", ["renal replacement therapy"]),
        ("Is it safe to fast during Ramadan on metformin?", ["Ramadan", "metformin"]),
        ("Do e-cigarettes help smokers quit?", ["e-cigarettes"]),
        ("Does Lorenzo's oil help, as in Crohn's disease?", ["Lorenzo's", "Crohn's disease"]),
        ("Is it safe on continuous renal replacement therapy?", ["continuous renal replacement therapy"]),
        ("Can an Apple Watch pick up a fast heartbeat?", ["Apple Watch"]),
        ("Do nicotine pouches or a ketamine nasal spray help?", ["nicotine pouches", "ketamine nasal spray"]),
        ("Inpatient Tonsillectomy: Does Hospital Type Affect Cost and Length of Stay?", ["Tonsillectomy"]),
        ("Does a fit soon after a child's liver transplant mean epilepsy?", ["liver transplant"]),  # whose: no name
        ("Safe to discharge without stress test or CTCA - 6-wk MACE risk?", ["CTCA", "MACE"]),  # a dash parts them
        ("Headache recurs within 12-24h on sumatriptan x3, mgmt?", ["sumatriptan"]),  # times and shorthand
    ],
)
def test_subjects_are_rare_words_codes_and_names(question: str, subjects: list[str]):
    assert [text for text, _ in question_subjects(question)] == subjects


def test_a_possessive_is_looked_up_without_its_s():
    assert [words for _, words in question_subjects("Is Crohn's disease inherited?")] == [("crohn", "disease")]


def test_a_misspelt_everyday_word_is_no_subject():
    assert not is_subject_word("theyd") and not is_subject_word("diabtes") and is_subject_word("dupilumab")


def test_coverage_names_what_the_library_lacks_and_reads_typos(fixture_library: Library):
    coverage = subject_coverage(fixture_library, "Does atorvastatin or rosuvastatn prevent strokes?")
    assert coverage.missing == ["atorvastatin"]
    assert coverage.missing_sentence() == "No article in this library mentions atorvastatin."
    [read] = [s for s in coverage.present if s.text == "rosuvastatn"]
    assert read.read_as == "rosuvastatin" and set(coverage.together) == {"91000001"}


def test_a_named_therapy_is_looked_up_as_one_subject(fixture_library: Library):
    coverage = subject_coverage(fixture_library, "Is cognitive behavioural therapy as good as sertraline for insomnia?")
    [therapy] = [s for s in coverage.subjects if s.text == "cognitive behavioural therapy"]
    assert therapy.articles > 0 and coverage.missing == ["sertraline"]
    coverage = subject_coverage(fixture_library, "Does proton beam therapy help insomnia?")
    assert coverage.missing == ["proton beam therapy"]


def test_the_relevance_bar_lets_nothing_through_for_gibberish(fixture_library: Library):
    found = relevant_search(fixture_library, "xyzzyqwv", k=25)
    assert found.hits == [] and found.ranked > 0
    assert found.nothing_sentence("xyzzyqwv") == "No article in this library mentions xyzzyqwv."
    found = relevant_search(fixture_library, "recipes for sourdough bread and pasta", k=25)
    assert found.hits == [] and found.nothing_sentence("x")


def test_the_relevance_bar_keeps_what_is_about_the_query(fixture_library: Library):
    found = relevant_search(fixture_library, "statins and heart attacks", k=25)
    assert found.hits and {h.pmid for h in found.hits} <= set(STATINS) and len(found.hits) < found.ranked


@pytest.mark.parametrize(
    ("text", "pmid"), [("31452104", "31452104"), (" PMID: 91000001 ", "91000001"), ("pmid 42", "42"), ("BRCA1", None)]
)
def test_a_typed_pmid_is_read_as_one(text: str, pmid: str | None):
    assert typed_pmid(text) == pmid


PUMPS = Article(
    pmid="92000001",
    title="Ion transport in muscle",
    year=2001,
    abstract=[AbstractSection("Membrane pumps are insulin sensitive. Tens of patients took part in the sauna study.")],
)
NERVE_STIMULATION = Article(
    pmid="92000002",
    title="Transcutaneous electrical nerve stimulation (TENS) for labour pain",
    year=2003,
    abstract=[AbstractSection("TENS reduced pain scores in the first stage of labour.")],
)


def test_an_uncommon_everyday_word_the_library_never_uses_is_missing(library_factory, monkeypatch):
    library = library_factory([PUMPS])
    assert subject_coverage(library, "Do astronauts lose bone in space?").missing == []  # a small library lacks many
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    assert subject_coverage(library, "Do astronauts lose bone in space?").missing == ["astronauts"]
    assert subject_coverage(library, "Does regular sauna use lower blood pressure?").missing == []  # the library has it
    # words built like adjectives are lay wording, not names
    assert subject_coverage(library, "Is a trustworthy, personalised blood test possible?").missing == []


def test_words_found_apart_and_acronyms_found_in_lower_case_are_not_mentions(library_factory):
    library = library_factory([PUMPS])
    assert subject_coverage(library, "Do insulin pumps help teenagers?").missing == ["insulin pumps"]
    assert subject_coverage(library, "Does a TENS unit ease labour pain?").missing == ["TENS"]
    library = library_factory([PUMPS, NERVE_STIMULATION])
    assert subject_coverage(library, "Does a TENS unit ease labour pain?").missing == []


def test_the_missing_sentence_names_five_subjects_at_most():
    coverage = SubjectCoverage([Subject(f"drug{i}", (f"drug{i}",), 0) for i in range(8)])
    assert coverage.missing_sentence() == (
        "No article in this library mentions drug0, drug1, drug2, drug3, drug4 or 3 other terms of the question."
    )


CHICKENPOX = Article(
    pmid="92000003",
    title="Varicella vaccination of children with leukaemia",
    year=2004,
    abstract=[AbstractSection("Two doses of varicella vaccine protected 90% of the children.")],
)


def test_a_lay_term_is_read_as_its_clinical_name(library_factory):
    library = library_factory([CHICKENPOX, PUMPS])
    coverage = subject_coverage(library, "Does the chickenpox vaccine protect kids with leukemia?")
    [lay] = [s for s in coverage.subjects if s.text == "chickenpox vaccine"]
    assert lay.read_as == "varicella vaccine" and lay.articles == 1 and coverage.missing == []
    assert coverage.together == ["92000003"]
    # a lay term whose clinical name the library lacks too is still missing
    assert subject_coverage(library, "Do kids with bedwetting grow out of it?").missing == ["bedwetting"]


def test_keyword_search_adds_the_clinical_names_of_lay_terms(library_factory):
    library = library_factory([CHICKENPOX, PUMPS])
    assert [pmid for pmid, _ in bm25_leg(library, "chickenpox jab", None, None, 5)] == ["92000003"]


def test_a_typing_slip_is_never_read_as_a_rarer_word(library_factory):
    phyto = Article(pmid="92000004", title="Phytotherapy for anxiety", year=2001, abstract=[AbstractSection("Herbs.")])
    library = library_factory([phyto])
    coverage = subject_coverage(library, "When should a newborn start phototherapy?")
    assert coverage.missing == ["phototherapy"]
    # nor is a name known in its own right read as a misspelt everyday word ("Braden": broaden)
    broaden = abstract("92000020", "Herbs broaden the options", "Many received herbs.")
    library = library_factory([phyto, broaden])
    assert subject_coverage(library, "Does the Braden scale help with anxiety?").missing == ["Braden"]
    # a common misspelling, written in lower case, is still read as the word meant
    assert subject_coverage(library, "Has anyone recieved herbs for anxiety?").missing == []


def test_a_brand_is_read_as_its_generic_and_a_brand_of_a_neighbour_stays_missing(library_factory):
    diuretic = Article(
        pmid="92000005",
        title="Furosemide in acute heart failure",
        year=2010,
        abstract=[AbstractSection("Furosemide relieved congestion in 80% of patients.")],
    )
    gliflozin = Article(
        pmid="92000006",
        title="Dapagliflozin and kidney outcomes",
        year=2020,
        abstract=[AbstractSection("Dapagliflozin slowed the decline in kidney function.")],
    )
    library = library_factory([diuretic, gliflozin])
    coverage = subject_coverage(library, "Does Lasix help heart failure?")
    assert coverage.missing == [] and coverage.together == ["92000005"]
    assert subject_coverage(library, "Is Jardiance safe for the kidneys?").missing == ["Jardiance"]
    # a rare word given with a dose is a drug's name, not a misspelt everyday word ("axert": alert)
    assert subject_coverage(library, "Switched from furosemide to axert 12.5mg, is it safer?").missing == ["axert"]


def test_a_drug_class_named_beside_a_drug_of_that_class_is_that_drug(library_factory):
    solvd = Article(
        pmid="92000101",
        title="Decline in renal function during angiotensin-converting enzyme inhibitor therapy",
        year=1999,
        abstract=[
            AbstractSection(
                "In heart failure with reduced ejection fraction, enalapril raised the risk of a decline in renal "
                "function by 33% over placebo."
            )
        ],
    )
    combination = Article(
        pmid="92000102",
        title="Valsartan with hydrochlorothiazide in hypertension",
        year=2007,
        abstract=[AbstractSection("Hypokalemia was less frequent with valsartan added to hydrochlorothiazide.")],
    )
    statins = Article(
        pmid="92000103",
        title="Statins and the decline in renal function",
        year=2010,
        abstract=[AbstractSection("Serum potassium did not change.")],
    )
    library = library_factory([solvd, combination, statins])
    note = "78M HFrEF on enalapril, creat creeping up. How much does ACEi raise the risk of decline in renal fxn?"
    coverage = subject_coverage(library, note)
    assert coverage.missing == [] and coverage.together == ["92000101"]
    # a statin is no ACE inhibitor: asked together, both must be in the answering article
    assert subject_coverage(library, "On enalapril - do statins cut the decline in renal function?").together == []
    # an ion named by its level in the blood is found under the word for that level
    levels = subject_coverage(library, "Does valsartan with a water tablet cause less low potassium?")
    assert levels.missing == [] and levels.together == ["92000102"]


def test_a_species_is_named_with_its_genus_and_never_read_as_a_misspelt_word(library_factory):
    malaria = Article(
        pmid="92000104",
        title="Chloroquine for Plasmodium falciparum malaria in Nigeria",
        year=1984,
        abstract=[AbstractSection("Chloroquine cleared P. falciparum parasitaemia in 80% of children.")],
    )
    library = library_factory([malaria])
    note = "Fevers every 72 h, morphology suggests Plasmodium malariae. Is chloroquine alone adequate?"
    assert subject_coverage(library, note).missing == ["Plasmodium malariae"]  # not "malaria" misspelt
    assert subject_coverage(library, "Is Plasmodium falciparum still sensitive to chloroquine?").missing == []


def test_when_and_how_a_drug_is_given_is_no_part_of_its_name(library_factory):
    trial = Article(
        pmid="92000105",
        title="Dexmedetomidine and myocardial ischaemia in non-cardiac surgery",
        year=2008,
        abstract=[AbstractSection("Dexmedetomidine did not reduce myocardial ischaemia. No pretreatment was given.")],
    )
    library = library_factory([trial])
    coverage = subject_coverage(library, "Does perioperative dexmedetomidine protect the heart in surgery?")
    assert coverage.missing == [] and coverage.together == ["92000105"]
    assert subject_coverage(library, "Does perioperative clonidine protect the heart?").missing == [
        "perioperative clonidine"
    ]
    # … nor how it is given, written after it: "dexmedetomidine infusion", "clonidine pretreatment"
    assert subject_coverage(library, "Does dexmedetomidine pretreatmnt protect the heart?").missing == []
    assert subject_coverage(library, "Does clonidine pretreatment protect the heart?").missing == [
        "clonidine pretreatment"
    ]


def test_articles_naming_a_subject_by_another_form_of_its_word_still_answer(library_factory):
    angiography = Article(
        pmid="92000007",
        title="Furosemide before coronary angiography",
        year=1992,
        abstract=[AbstractSection("Renal function deteriorated after angiographies in the furosemide group.")],
    )
    angiogram = Article(pmid="92000008", title="The coronary angiogram in diabetes", year=1999, abstract=[])
    library = library_factory([angiography, angiogram])
    coverage = subject_coverage(library, "Does furosemide protect the kidneys during an angiogram?")
    # no article names both as written; the one naming furosemide and angiography answers
    assert coverage.missing == [] and coverage.together == ["92000007"]


def test_a_group_of_people_or_a_lay_term_the_library_never_names_is_missing(library_factory, monkeypatch):
    drivers = Article(
        pmid="92000009",
        title="Sleep apnoea in bus drivers",
        year=2005,
        abstract=[AbstractSection("Half of the drivers had sleep apnoea; CPAP lowered sleepiness.")],
    )
    library = library_factory([drivers, CHICKENPOX])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    assert subject_coverage(library, "Does CPAP help bus drivers?").missing == []
    assert subject_coverage(library, "Does CPAP help truck drivers?").missing == ["truck drivers"]
    assert subject_coverage(library, "Is varicella common in prisoners?").missing == ["prisoners"]
    assert subject_coverage(library, "Is a nose job safe after chickenpox?").missing == ["nose job"]


def test_a_lay_term_with_a_head_noun_is_one_subject(library_factory):
    zoster = Article(
        pmid="92000010",
        title="Herpes zoster in older adults",
        year=2012,
        abstract=[AbstractSection("Zoster pain lasted longer in adults over 70.")],
    )
    library = library_factory([zoster, CHICKENPOX])
    # the library holds zoster but no zoster vaccine, and varicella and a varicella vaccine
    assert subject_coverage(library, "How well does the shingles vaccine work after 70?").missing == [
        "shingles vaccine"
    ]
    assert subject_coverage(library, "Does the chickenpox vaccine protect kids?").missing == []
    assert subject_coverage(library, "Do continuous glucose monitors help?").missing == ["continuous glucose monitors"]


CUPS_AND_NEEDLES = Article(
    pmid="92000011",
    title="Needle-free injection and medicine cups for children with back pain",
    year=2010,
    abstract=[AbstractSection("Cups and needles were compared; Tai and others ran a chi-square test. Yoga helped.")],
)


def test_a_word_found_only_through_its_stem_is_not_mentioned(library_factory):
    library = library_factory([CUPS_AND_NEEDLES])
    # the full-text index finds "cupping" as "cup" and "needling" as "needl": neither is written
    assert subject_coverage(library, "Is cupping effective for back pain?").missing == ["cupping"]
    assert subject_coverage(library, "Does dry needling help back pain?").missing == ["needling"]
    assert subject_coverage(library, "Do needles hurt children?").missing == []  # a plural is the same word


def test_a_method_named_for_a_person_with_an_everyday_name_is_missing_unless_written(library_factory, monkeypatch):
    back = abstract(
        "92000021",
        "Flexion exercises for chronic low back pain",
        "Williams and colleagues found flexion exercises eased pain; the Kasai procedure too.",
    )
    library = library_factory([back])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    question = "Are Williams flexion exercises better than other exercise for chronic low back pain?"
    assert subject_coverage(library, question).missing == ["Williams flexion exercises"]
    # the name and its words written in the library: the head noun may differ
    assert subject_coverage(library, "Does the Kasai operation help back pain?").missing == []


def test_a_verb_of_a_procedure_is_found_under_its_other_forms(library_factory):
    cannulae = abstract(
        "92000019",
        "Ultrasound guidance for the internal jugular vein",
        "The vein was cannulated at the first pass in 90%; cannulation failed in 4 patients.",
    )
    library = library_factory([cannulae])
    assert (
        subject_coverage(library, "Is it easier to cannulate the internal jugular vein with ultrasound?").missing == []
    )


def test_a_rare_dictionary_word_is_no_typing_slip():
    assert is_subject_word("needling") and not is_subject_word("theyd")


def test_a_therapy_named_in_everyday_words_the_library_never_names_is_missing(library_factory, monkeypatch):
    library = library_factory([CUPS_AND_NEEDLES])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    assert subject_coverage(library, "Does tai chi help children with back pain?").missing == ["tai chi"]
    assert subject_coverage(library, "Does yoga help children with back pain?").missing == []
    assert subject_coverage(library, "Does a ketogenic diet help?").missing == ["ketogenic diet"]


def test_the_question_in_library_words_spells_a_slip_as_the_library_and_keeps_lay_terms(fixture_library: Library):
    question = "Does rosuvastatn prevent strokes?"
    assert subject_coverage(fixture_library, question).in_library_words(question) == (
        "Does rosuvastatin prevent strokes?"
    )


def test_the_question_in_library_words_keeps_a_lay_term_the_verdict_reads_under_all_its_names(library_factory):
    coverage = subject_coverage(library_factory([CHICKENPOX]), "Is Chickenpox worse in adults?")
    assert coverage.read_as == {"Chickenpox": "varicella"}
    assert coverage.in_library_words("Is Chickenpox worse in adults?") == "Is Chickenpox worse in adults?"


def test_a_drug_is_named_by_its_recognised_name_and_a_brand_by_its_generics(fixture_library: Library):
    coverage = subject_coverage(fixture_library, "Is Coumadin safe, and does doxorubicin cardiotoxicity last?")
    names = {s.text: s.drug_names for s in coverage.subjects}
    assert names["Coumadin"] == (("coumadin",), ("warfarin",))
    assert names["doxorubicin cardiotoxicity"][0] == ("doxorubicin",)  # the drug, not the whole subject
    assert all("cardiotoxicity" not in name for name in names["doxorubicin cardiotoxicity"])


def test_a_lay_term_the_recogniser_reads_as_a_drug_goes_by_its_clinical_names_too():
    keyhole = subjects._drug_names("keyhole", ("keyhole",), ["keyhole"])
    assert keyhole == (("keyhole",), ("laparoscopic",), ("laparoscopy",))
    assert ("corticosteroids",) in subjects._drug_names("steroids", ("steroids",), ["steroids"])


def test_a_drug_is_also_named_as_abstracts_write_it_and_an_ion_by_its_blood_level():
    assert ("l-dopa",) in subjects._drug_names("levodopa", ("levodopa",), ["levodopa"])
    assert subjects._drug_names("potassium", ("potassium",), ["potassium"]) == (
        ("potassium",),
        ("hypokalemia",),
        ("hyperkalemia",),
    )


def test_a_type_letter_names_which_one(library_factory, monkeypatch):
    hepatitis = Article(
        pmid="92000012",
        title="Hepatitis B vaccination of health-care workers",
        year=2001,
        abstract=[AbstractSection("Hepatitis B e antigen was rare; hepatitis, e.g. drug-induced, was not.")],
    )
    library = library_factory([hepatitis])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    assert subject_coverage(library, "Is hepatitis B common in nurses?").missing == []
    # neither "hepatitis B e antigen" nor "hepatitis, e.g." is hepatitis E
    assert subject_coverage(library, "Is hepatitis E common in nurses?").missing == ["hepatitis E"]
    assert subject_coverage(library, "Does the meningococcal B vaccine work?").missing == ["meningococcal B vaccine"]
    # a side or a pair after a unit is no type: "35 mmHg L/R difference"
    assert subject_coverage(library, "Does a 35 mmHg L/R difference in hepatitis B matter?").missing == []


def test_a_substance_named_in_everyday_words_is_a_subject_when_present_and_missing_when_not(
    library_factory, monkeypatch
):
    fish_oil = Article(
        pmid="92000013",
        title="Fish oil and heart rhythm",
        year=1999,
        abstract=[AbstractSection("Fish oil lowered arrhythmias; energy intake from drinks was unchanged.")],
    )
    library = library_factory([fish_oil])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    [oil] = subject_coverage(library, "Does fish oil help the heart?").subjects
    assert oil.text == "fish oil" and oil.articles == 1
    # "energy intake from drinks" names no energy drinks
    assert subject_coverage(library, "Are energy drinks bad for the heart?").missing == ["energy drinks"]
    assert is_subject_word("poppers")  # a plural of a dictionary word is no typing slip either


def test_a_lay_word_for_a_kind_of_thing_joins_the_name_before_it(library_factory):
    hpv = Article(
        pmid="92000014",
        title="HPV in breast milk",
        year=2010,
        abstract=[AbstractSection("HPV DNA was found in two samples; no vaccination history was taken.")],
    )
    library = library_factory([hpv])
    # the library names HPV and vaccination, never an HPV vaccination
    assert subject_coverage(library, "Is the HPV jab safe for boys?").missing == ["HPV jab"]


def test_an_hla_allele_is_one_subject_in_either_written_form(library_factory):
    typed = Article(
        pmid="92000015",
        title="HLA-DRB1*0101 and rheumatoid arthritis",
        year=1995,
        abstract=[AbstractSection("HLA-B was typed too; HLA-DRB1*0101 carriers had erosive disease.")],
    )
    library = library_factory([typed])
    for written in ("HLA-DRB1*0101", "HLA-DRB1*01:01"):
        [allele] = subject_coverage(library, f"Is {written} linked to rheumatoid arthritis?").subjects
        assert allele.text == written and allele.articles == 1
    # the library names HLA-B, never the allele asked about
    assert subject_coverage(library, "Should I be tested for HLA-B*58:01 in arthritis?").missing == ["HLA-B*58:01"]


def test_an_everyday_name_is_read_whole_and_a_past_tense_alone_names_nothing(library_factory, monkeypatch):
    brewing = Article(
        pmid="92000016",
        title="Ethanol production in wort by immobilized yeast",
        year=2013,
        abstract=[AbstractSection("Sugar consumption in the wort was measured at 7 degrees.")],
    )
    library = library_factory([brewing])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    # brewers' wort is no St John's wort, however the apostrophe is typed
    for written in ("St John's wort", "St. John's wort", "St John’s wort"):
        assert subject_coverage(library, f"Does {written} help depression?").missing == [written]
    assert "scratched" not in subject_coverage(library, "My son got scratched by a kitten: is it serious?").missing


def test_the_thing_whose_effect_is_asked_is_missing_when_never_written_side_by_side(library_factory, monkeypatch):
    sleep = Article(
        pmid="92000017",
        title="Noise and infant sleep",
        year=2014,
        abstract=[AbstractSection("White blood cell counts and machine noise were recorded; compression helped.")],
    )
    library = library_factory([sleep])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    question = "Does a white noise machine help babies sleep?"
    assert "white noise machine" in subject_coverage(library, question).missing
    assert "gua sha" in subject_coverage(library, "Is gua sha good for neck pain?").missing
    # a thing the library writes is not missing, however common its words
    assert subject_coverage(library, "Does machine noise help babies sleep?").missing == []


def test_a_misspelt_brand_is_read_as_the_brand_not_as_an_everyday_word(fixture_library: Library):
    # "linzes" is one slip from "lines" too; it names Linzess (linaclotide), which the library lacks
    coverage = subject_coverage(fixture_library, "Does linzes help with constipation?")
    assert coverage.missing == ["linzes"]
    assert not subjects._slip_of_brand("lines")  # a dictionary word is no misspelt brand
    assert subjects._slip_of_brand("zolof") == "zoloft"


def test_a_clause_before_the_verb_of_effect_is_no_thing(library_factory, monkeypatch):
    library = library_factory([CUPS_AND_NEEDLES])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    assert subject_coverage(library, "Do hospitals provide lower quality care on weekends?").missing == []


def test_a_training_is_named_by_its_modifiers(library_factory):
    gym = Article(
        pmid="92000018",
        title="Resistance training in heart failure",
        year=2009,
        abstract=[AbstractSection("Resistance training at high intensity raised peak oxygen uptake; interval data.")],
    )
    library = library_factory([gym])
    coverage = subject_coverage(library, "Is high-intensity interval training safe in heart failure?")
    assert coverage.missing == ["high-intensity interval training"]
    assert subject_coverage(library, "Is resistance training safe in heart failure?").missing == []


def test_a_thing_asked_about_in_the_words_of_evidence_is_found(library_factory, monkeypatch):
    library = library_factory([CUPS_AND_NEEDLES])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    for question in (
        "How effective is box breathing for panic attacks?",
        "Is there any evidence that box breathing helps panic attacks?",
        "What does the research say about box breathing for panic?",
        "Would you recommend box breathing for my panic attacks?",
        "Has anyone tried box breathing for panic attacks?",
    ):
        assert "box breathing" in subject_coverage(library, question).missing
    assert "heating pad" in subject_coverage(library, "How well does a heating pad work for period pain?").missing


def test_a_long_common_word_mistyped_twice_is_no_subject():
    # a doubled letter and one more slip: "nessesary" is necessary; a drug name is near no common word
    assert not is_subject_word("nessesary") and not is_subject_word("ocasionaly")
    assert is_subject_word("lymecycline") and is_subject_word("deutetrabenazine")


MIGRAINE_TRIAL = Article(
    pmid="92000021",
    title="Ergotamine with caffeine against quetiapine and placebo for migraine",
    year=2003,
    abstract=[
        AbstractSection(
            "Quetiapine caused restlessness; ergotamine and caffeine relieved the attack. Succinylcholine myalgia "
            "followed surgery in two patients. The artery was patent on doppler. Hepatitis E was not seen."
        )
    ],
)


def test_another_name_given_in_parentheses_is_not_missing_and_either_name_will_do(library_factory, monkeypatch):
    library = library_factory([MIGRAINE_TRIAL])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    coverage = subject_coverage(library, "Does Cafergot (ergotamine with caffeine) stop a migraine attack?")
    assert coverage.missing == [] and coverage.together == ["92000021"]
    coverage = subject_coverage(library, "Is ergotamine (Cafergot) safe in migraine?")
    assert coverage.missing == []
    coverage = subject_coverage(library, "Is a Migrafex tablet (ergotamine with caffeine) safe in migraine?")
    assert coverage.missing == []  # the name may come after the head noun
    # a drug compared with a present one is no other name of it
    assert subject_coverage(library, "Is Migrafex better than ergotamine?").missing == ["Migrafex"]
    # one of a kind named in parentheses is that one, not the kind again
    assert subject_coverage(library, "Is an ergotamine (Migrafex) safe in migraine?").missing == ["Migrafex"]
    # the question's two names of one drug: either one in the answering article will do
    brand = Article(pmid="92000022", title="Seroquel and restlessness", abstract=[AbstractSection("A case.")])
    library = library_factory([MIGRAINE_TRIAL, brand])
    coverage = subject_coverage(library, "Does Seroquel (quetiapine) cause restlessness?")
    assert sorted(coverage.together) == ["92000021", "92000022"]


def test_participles_adjectives_and_time_prefixes_are_no_missing_subjects(library_factory, monkeypatch):
    library = library_factory([MIGRAINE_TRIAL])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    assert subject_coverage(library, "Was the artery reopened on doppler?").missing == []
    assert subject_coverage(library, "Does caffeine relieve migraine, or is that wishful thinking?").missing == []
    coverage = subject_coverage(library, "Does ergotamine prevent post-succinylcholine myalgia?")
    assert coverage.missing == [] and coverage.read_as == {"post-succinylcholine myalgia": "succinylcholine myalgia"}


def test_a_type_with_a_head_noun_needs_the_whole_name(library_factory, monkeypatch):
    library = library_factory([MIGRAINE_TRIAL])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    assert subject_coverage(library, "Is hepatitis E common after migraine?").missing == []
    assert subject_coverage(library, "Is there a hepatitis E vaccine for migraine patients?").missing == [
        "hepatitis E vaccine"
    ]


ZONISAMIDE = Article(
    pmid="92000031",
    title="Visual hallucinations during zonisamide treatment of epilepsy",
    year=2003,
    abstract=[AbstractSection("Hallucinations began after a dose increase and stopped when the dose was lowered.")],
)


def test_a_brand_no_table_knows_is_read_as_the_generic_the_library_names(library_factory):
    library = library_factory([ZONISAMIDE])
    question = "My son's Zonegran dose went up and now he sees things. Will it stop?"
    coverage = subject_coverage(library, question)
    assert coverage.missing == [] and coverage.read_as == {"Zonegran": "zonisamide"}
    assert coverage.with_names_read(question) == f"{question} zonisamide"  # what search looks for


def test_the_story_before_a_question_and_its_words_of_talk_name_no_subject(library_factory, monkeypatch):
    library = library_factory([ZONISAMIDE])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    question = (
        "My son is 22 and heading off backpacking. I can't tell if it's just scaremongering. "
        "Can zonisamide cause hallucinations, or is that a hunch?"
    )
    assert subject_coverage(library, question).missing == []
    # a thing named in the sentence a question refers back to is asked about
    question = "The doctor wants to try hydrotherapy for his epilepsy. Does it help?"
    assert subject_coverage(library, question).missing == ["hydrotherapy"]
    # … and so is a word of that sentence no lexicon knows, everyday noun or not
    question = "My mum swears by karela juice every morning. Can it cause hallucinations?"
    assert subject_coverage(library, question).missing == ["karela"]
    # … and of a sentence after the question, which tells more of what was asked; its everyday words do not
    question = "Can a bug cause hallucinations? My son says it's one called Bacillus cereus that survives cooking."
    assert subject_coverage(library, question).missing == ["Bacillus cereus"]
    question = "Can zonisamide cause hallucinations? He started it in the summer, before his exams."
    assert subject_coverage(library, question).missing == []
    # where the asker read the dose is no subject either
    question = "He only takes the amount on the packet. Can zonisamide cause hallucinations at that dose?"
    assert subject_coverage(library, question).missing == []


def test_two_words_typed_as_one_and_where_the_asker_read_it_are_no_subjects(library_factory, monkeypatch):
    library = library_factory([ZONISAMIDE])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    question = "I've been reading forums that say zonisamide causes hallucinations. Is that true? He sees them alot"
    assert subject_coverage(library, question).missing == []
    assert subjects._run_together("alot") and not subjects._run_together("tart")


def test_a_name_is_not_read_as_another_ending_of_an_indexed_stem(library_factory):
    proven = abstract("92100001", "A proven therapy", "Proven.")
    assert subject_coverage(library_factory([proven]), "Is Provenge worth it?").missing == ["Provenge"]


def test_words_apart_in_two_phrases_do_not_name_a_thing(library_factory):
    two_phrases = abstract("92100002", "PG-9 in astroglia", "It helps cognitive processes and stimulates NGF.")
    one_phrase = abstract("92100003", "Renal sympathetic denervation", "Renal sympathetic denervation lowered BP.")
    library = library_factory([two_phrases, one_phrase])
    assert subject_coverage(library, "Does cognitive stimulation therapy help?").missing == ["cognitive stimulation"]
    assert subject_coverage(library, "Does renal denervation help?").missing == []


def test_two_things_joined_by_hyphens_are_two_things(library_factory):
    drops = abstract("92100004", "Ear drops", "A steroid with gentamicin cleared otitis externa.")
    library = library_factory([drops])
    assert subject_coverage(library, "Do steroid-plus-gentamicin ear drops help?").missing == []
    assert subject_coverage(library, "Do steroid-plus-ofloxacin ear drops help?").missing == ["steroid-plus-ofloxacin"]


def test_an_article_spelling_out_an_abbreviation_names_it(library_factory):
    trial = abstract(
        "92100005",
        "Lenalidomide in relapsed myeloma",
        "The overall response rate was 60% and deep vein thrombosis occurred in 8%.",
    )
    other = abstract("92100006", "Response criteria", "The ORR and the DVT rate were reported in few trials.")
    coverage = subject_coverage(library_factory([trial, other]), "Lenalidomide in myeloma: ORR and DVT rate?")
    assert coverage.together == ["92100005"]


def test_a_determiner_naming_its_own_thing_does_not_refer_back():
    assert subjects._refers_back("Does it help?") and subjects._refers_back("Will that help?")
    assert not subjects._refers_back("Am I likely to be in a lot of pain after this op?")
    story = "After my hysterectomy I was in agony for days. Am I likely to be in pain after this op?"
    asked = [story[a:b].strip() for a, b in subjects.asking_sentences(story)]
    assert [sentence for sentence in asked if sentence] == ["Am I likely to be in pain after this op?"]


def test_a_two_letter_abbreviation_read_as_a_drug_is_no_drug_the_answer_must_name():
    nasogastric = Subject("NG", ("ng",), 3, drug_names=(("ng",),))
    coverage = SubjectCoverage(subjects=[nasogastric])
    assert nasogastric.chemical and not nasogastric.named_drug and coverage.chemicals == []


def test_a_closed_compound_finds_the_hyphenated_one(library_factory):
    ablation = abstract(
        "92100007",
        "Ablation in long-standing persistent atrial fibrillation",
        "Long-standing persistent atrial fibrillation recurred in a third.",
    )
    library = library_factory([ablation])
    assert subjects._unjoined("longstanding") == ("long", "standing") and subjects._unjoined("prefer") == ("prefer",)
    assert subject_coverage(library, "Does ablation help longstanding persistent fibrillation?").missing == []


def test_clipped_words_compounds_and_qualified_heads_of_a_note_are_read_as_the_library_writes_them(
    library_factory, monkeypatch
):
    note = abstract(
        "92100008",
        "Spironolactone and neoadjuvant radiotherapy after a needle-stick injury",
        "Apnea-hypopnea index (AHI) and spironolactone dosing were recorded; the dropout rate was low.",
    )
    library = library_factory([note])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    assert subjects._unclipped(library, "spiro") == ("spironolacton",)
    assert subjects._unclipped(library, "ambient") == ()  # in everyday use: never a clipped word
    assert subjects._two_words(library, "needlestick") == ("needle", "stick")
    assert subjects._hyphen_head(library, "ahi-defined") == "ahi"
    assert subjects._hyphen_head(library, "aldactone-type") == "spironolactone"  # a brand's head: its generic
    assert subjects._hyphen_head(library, "ahi-avid") == "ahi"  # "FDG-avid lesions" are lesions taking up FDG
    assert subjects._hyphen_head(library, "spironolactone-refractory") == "spironolactone"
    coverage = subject_coverage(library, "HCW needlestick on spiro after neoadj RT - does AHI-defined severity matter?")
    assert "needlestick" not in coverage.missing and "spiro" not in coverage.missing
    assert "neoadj" not in coverage.missing and "AHI-defined" not in coverage.missing
    assert subject_coverage(library, "Does eplerenone cut the dropout rate?").missing == ["eplerenone"]
    # a common word qualified by a tail: "morphine-type drugs" are morphine, "aorta-first" clamping the aorta
    pain = abstract(
        "92100009", "Morphine for cancer pain", "Clamping the aorta first and morphine dosing were studied."
    )
    library = library_factory([note, pain])
    assert subject_coverage(library, "Do morphine-type drugs work less well for severe pain?").missing == []
    assert subject_coverage(library, "Is clamping aorta-first better?").missing == []


def test_doses_cycles_and_orders_of_a_note_name_nothing():
    from retrieval.search.word_classes import reads_as_talk

    for word in ("q4w", "q3wk", "q12hrs", "d2-5", "3rd-gen", "5-session", "9-year-old", "bd-tds", "3t", "mmhg"):
        assert reads_as_talk([word], 0), word
    for word in ("d2", "5-fu", "m2"):  # a D2 receptor, fluorouracil and M2 macrophages are things
        assert not reads_as_talk([word], 0), word
    assert reads_as_talk(["2250mg", "m2"], 1)


def test_a_code_written_apart_a_lay_head_noun_with_its_modifiers_and_a_vaccine_against_a_pathogen(library_factory):
    rats = abstract(
        "92100009",
        "Doxorubicin lethality in obese rats, and Helicobacter pylori in the stomach",
        "An LD(10) dose of doxorubicin was given. Helicobacter pylori colonised the stomach; PM(2.5) was measured. "
        "Rehabilitation after a stroke helped.",
    )
    library = library_factory([rats])
    assert subject_coverage(library, "Does obesity raise the lethality of an LD10 dose of doxorubicin?").missing == []
    assert subject_coverage(library, "Are PMS2 carriers at risk of doxorubicin toxicity?").missing == ["PMS2"]
    rehab = subject_coverage(library, "Does vestibular rehab help dizziness with Helicobacter pylori?")
    assert rehab.missing == ["vestibular rehab"] and rehab.subjects[0].words == ("vestibular", "rehabilitation")
    vaccine = subject_coverage(library, "Is there a vaccine against Helicobacter pylori for stomach ulcers?")
    assert vaccine.missing == ["Helicobacter pylori vaccine"]
    protected = abstract(
        "92100010",
        "Pensioners",
        "Antibodies against tetanus were measured in pensioners living in their own homes across the country in a "
        "field study of the older population. Records of vaccination were incomplete.",  # far apart: one article
    )
    library = library_factory([rats, protected])
    assert subject_coverage(library, "Are pensioners protected by jabs against tetanus?").missing == []


def test_words_parted_by_a_slash_and_an_ing_form_with_an_object_after_tried(library_factory, monkeypatch):
    index = abstract("92100011", "Ankle/arm index in the very old", "A low ankle/arm index predicted cardiac death.")
    library = library_factory([index])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    assert subject_coverage(library, "Does a low ankle-arm index predict cardiac death?").missing == []
    assert subject_coverage(library, "Has anyone tried dripping cardiac index drops?").missing == []
    assert subject_coverage(library, "Has anyone tried cupping for cardiac death?").missing == ["cupping"]


def test_a_made_thing_is_named_by_its_modifier_and_everyday_noun(library_factory):
    pancreas = abstract("92100012", "Insulin and the pancreas", "Nocturnal hypoglycaemia on insulin injections.")
    library = library_factory([pancreas])
    coverage = subject_coverage(library, "Does the artificial pancreas stop night-time hypoglycaemia on insulin?")
    assert coverage.missing == ["artificial pancreas"]
    assert subject_coverage(library, "Does a smart phone reminder help with insulin injections?").missing == []


def test_a_noun_in_cle_is_found_as_its_adjective_beside_another_word(library_factory):
    fracture = abstract("92100013", "Clavicle fractures", "Displaced midshaft clavicular fractures healed.")
    library = library_factory([fracture])
    assert subject_coverage(library, "Does a displaced midshaft clavicle fracture heal?").missing == []
    assert subject_coverage(library, "Does a midshaft vesicle heal?").missing == ["midshaft vesicle"]


def test_an_abbreviation_with_two_meanings_is_read_by_the_rest_of_the_question(library_factory):
    fibrosis = abstract(
        "92100020", "Resection in endomyocardial fibrosis", "Fibrous tissue resection improved functional class."
    )
    fields = [
        abstract(f"9210002{n}", "Electromagnetic fields at work", "Electromagnetic fields and childhood leukaemia.")
        for n in (1, 2)
    ]
    library = library_factory([fibrosis, *fields])
    by_text = {s.text: s for s in subject_coverage(library, "EMF pts: does fibrous tissue resection help?").subjects}
    assert by_text["EMF"].words == ("endomyocardial", "fibrosis")
    by_text = {s.text: s for s in subject_coverage(library, "Does EMF exposure cause leukaemia?").subjects}
    assert by_text["EMF"].words == ("electromagnetic", "fields")


def test_note_shorthand_a_class_range_and_a_pair_of_letters_name_nothing(library_factory, monkeypatch):
    from retrieval.search.word_classes import reads_as_talk

    for word in ("incl", "excl", "approx"):
        assert reads_as_talk([word], 0), word
    assert not is_subject_word("III-IV") and not is_subject_word("II/III")
    cancer = abstract("92100023", "Paclitaxel in head and neck cancer", "Advanced head and neck cancer responded.")
    library = library_factory([cancer])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    assert subject_coverage(library, "Paclitaxel for locally advanced H&N ca, incl elderly pts?").missing == []


def test_the_specialist_in_a_story_an_age_by_decade_and_how_an_infection_was_measured_name_nothing(library_factory):
    from retrieval.search.word_classes import reads_as_talk

    for word in ("oncologist", "rheumatologists", "psychiatrist", "paediatrician"):
        assert reads_as_talk(["dad's", word], 1) and reads_as_talk(["my", word], 1), word
    assert not reads_as_talk(["a", "cardiologist"], 1)  # "would having a cardiologist involved help?"
    assert reads_as_talk(["90s"], 0) and reads_as_talk(["1990s"], 0) and not reads_as_talk(["9s"], 0)
    survey = abstract(
        "92100024",
        "Is cytomegalovirus infection associated with hypertension?",
        "In adults of the United States, cytomegalovirus infection was associated with hypertension in women.",
    )
    us = abstract("92100025", "Hypertension clinics", "US clinics let us follow cytomegalovirus cases.")
    library = library_factory([survey, us])
    coverage = subject_coverage(library, "Is cytomegalovirus seropositivity linked to hypertension in US adults?")
    assert coverage.missing == [] and "92100024" in coverage.together


def test_common_clinical_initials_find_the_articles_that_spell_them_out(library_factory):
    obese = abstract(
        "92100026",
        "Body mass index and prostate specific antigen",
        "Obese men had lower prostate specific antigen values at screening.",
    )
    grave = abstract("92100027", "Radioiodine after propylthiouracil", "Propylthiouracil caused hepatitis.")
    initials = abstract("92100028", "PSA and PTU in one clinic", "PSA screening and PTU use were audited.")
    library = library_factory([obese, grave, initials])
    coverage = subject_coverage(library, "Should PSA be adjusted in obese men?")
    assert coverage.missing == [] and "92100026" in coverage.together
    assert "92100027" in subject_coverage(library, "Hepatitis on PTU: how often?").together


def test_an_abbreviation_with_its_stage_run_on_is_the_abbreviation(library_factory):
    kidneys = abstract("92100029", "Seizures in CKD", "Tranexamic acid caused seizures in CKD on haemodialysis.")
    genes = abstract("92100030", "BRCA testing", "BRCA1 carriers were counselled.")
    library = library_factory([kidneys, genes])
    assert subject_coverage(library, "Seizure risk with tranexamic acid in CKD4?").missing == []
    assert subject_coverage(library, "Does BRCA2 raise the risk?").missing == ["BRCA2"]


def test_a_long_acting_brand_needs_an_article_on_the_long_acting_form(library_factory):
    tablets = abstract("92100031", "Risperidone tablets in schizophrenia", "Oral risperidone raised prolactin.")
    oxycodone = abstract("92100032", "Oxycodone after hip surgery", "Immediate-release oxycodone eased pain.")
    library = library_factory([tablets, oxycodone])
    assert subject_coverage(library, "Does Risperdal raise prolactin?").missing == []
    assert subject_coverage(library, "Does Risperdal Consta raise prolactin?").missing == ["Risperdal Consta"]
    assert subject_coverage(library, "Is OxyContin safe after a hip operation?").missing == ["OxyContin"]
    depot = abstract("92100033", "Long-acting risperidone", "Long-acting injectable risperidone raised prolactin.")
    library = library_factory([tablets, depot])
    assert subject_coverage(library, "Does Risperdal Consta raise prolactin?").missing == []


def test_a_verb_after_up_or_down_and_an_eligible_group_name_nothing(library_factory, monkeypatch):
    from retrieval.search.word_classes import reads_as_talk

    assert reads_as_talk(["uptitrated"], 0) and reads_as_talk(["down-titrating"], 0)
    myeloma = abstract("92100034", "Bortezomib before transplant", "Bortezomib induction preceded transplant.")
    library = library_factory([myeloma])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    assert subject_coverage(library, "Transplant-eligible pts on bortezomib, uptitrated - response?").missing == []


def test_how_urgently_a_procedure_is_done_is_no_part_of_its_name(library_factory):
    transplant = abstract(
        "92100035", "Liver transplant after paracetamol overdose", "Survival after liver transplant was 70%."
    )
    library = library_factory([transplant])
    coverage = subject_coverage(library, "Survival after an emergency liver transplant?")
    assert coverage.missing == [] and [s.words for s in coverage.subjects] == [("liver", "transplant")]


def test_a_brand_typed_in_lower_case_is_no_slip_of_an_everyday_word():
    assert not subjects._slip_of_brand("jublia") and subjects._slip_of_common_word("jublia")
    assert is_subject_word("jublia") and question_subjects("is jublia worth it?") == [("jublia", ("jublia",))]


def test_a_drug_given_as_jabs_or_for_sedation_is_the_drug(library_factory, monkeypatch):
    heparin = abstract("92100036", "Heparin before surgery", "Heparin injections were given before the operation.")
    midazolam = abstract("92100037", "Midazolam for endoscopy", "Midazolam was given for sedation; hypoxia was rare.")
    library = library_factory([heparin, midazolam])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    assert subject_coverage(library, "Should my mum keep having heparin jabs before an operation?").missing == []
    assert subject_coverage(library, "How often is midazolam sedation followed by hypoxia?").missing == []
    assert "HPV jab" in subject_coverage(library, "Is an HPV jab safe before an operation?").missing


def test_a_combination_brand_needs_an_article_naming_its_parts_together(library_factory):
    apart = [
        abstract("92100038", "Salmeterol in asthma", "Salmeterol improved asthma control."),
        abstract("92100039", "Budesonide in asthma", "Inhaled budesonide reduced asthma attacks."),
    ]
    library = library_factory(apart)
    assert subject_coverage(library, "Does Symbicort reduce asthma attacks?").missing == ["Symbicort"]
    together = abstract("92100040", "Budesonide/formoterol", "Budesonide with formoterol reduced asthma attacks.")
    library = library_factory([*apart, together])
    assert subject_coverage(library, "Does Symbicort reduce asthma attacks?").missing == []


def test_an_everyday_product_is_a_subject_of_its_own(library_factory, monkeypatch):
    salt = abstract(
        "92100041",
        "Salt restriction in hypertension",
        "Dietary salt restriction lowered blood pressure; potassium was no substitute for it.",  # both words, apart
    )
    library = library_factory([salt])
    monkeypatch.setattr(subjects, "ABSENT_MIN_ARTICLES", 1)
    question = "Would swapping his table salt for a salt substitute (the potassium kind) bring his blood pressure down?"
    coverage = subject_coverage(library, question)
    assert coverage.missing == ["salt substitute"]


def test_the_bone_scan_tracer_abbreviated_finds_the_article_that_spells_it_out(library_factory):
    scan = abstract(
        "92100042",
        "Scintigraphy before amputation",
        "Three-phase bone scintigraphy using technetium-99m methylene diphosphonate set the amputation level.",
    )
    library = library_factory([scan])
    assert subject_coverage(library, "Does an MDP bone scan set the amputation level?").missing == []


def test_a_dose_ends_the_name_of_a_test_or_therapy_and_its_unit_is_no_subject():
    for question in (
        "Is an oral verapamil 80mg stimulation test useful in hyperprolactinaemia?",
        "Is an oral verapamil 80 mg stimulation test useful in hyperprolactinaemia?",
    ):
        assert [text for text, _ in question_subjects(question)] == ["verapamil", "hyperprolactinaemia"], question
    assert [text for text, _ in question_subjects("Does MG stimulation help?")] == ["MG stimulation"]


def test_a_substance_is_found_in_the_word_for_its_presence_in_the_blood(library_factory):
    verapamil = abstract(
        "92100043",
        "Verapamil stimulation test in hyperprolactinemia",
        "All patients were screened for macroprolactinemia before verapamil 80 mg was given.",
    )
    library = library_factory([verapamil])
    coverage = subject_coverage(library, "Macroprolactin screened for: is a verapamil test useful?")
    assert coverage.missing == []
    assert subject_coverage(library, "Macroglobulin screened for: is a verapamil test useful?").missing == [
        "Macroglobulin"
    ]


def test_a_virus_type_number_written_apart_is_part_of_its_name(library_factory):
    subjects_read = [text for text, _ in question_subjects("Is HHV 6 reactivation linked to DRESS?")]
    assert subjects_read == ["HHV 6", "reactivation"]
    sixteen = abstract("92100044", "HPV16 in throat cancer", "HPV16 DNA was found in most tonsil tumours.")
    library = library_factory([sixteen])
    assert subject_coverage(library, "Is HPV 16 found in tonsil tumours?").missing == []
    assert subject_coverage(library, "Is HPV 52 found in tonsil tumours?").missing == ["HPV 52"]


def test_a_regimen_word_a_possessive_abbreviation_and_pjp_are_read_as_abstracts_write_them(library_factory):
    lung = abstract(
        "92100045",
        "Gemcitabine and vinorelbine in elderly NSCLC",
        "Gemcitabine with vinorelbine was given to elderly patients; the RN recorded toxicity. "
        "Pentamidine for Pneumocystis carinii pneumonia prolonged the QT interval.",
    )
    library = library_factory([lung])
    assert subject_coverage(library, "NSCLC: gemcitabine + vinorelbine doublet, what doses?").missing == []
    assert subject_coverage(library, "Is the RN's view of NSCLC toxicity reliable?").missing == []
    assert subject_coverage(library, "PJP pt on pentamidine: when does the QT lengthen?").missing == []


def test_a_typo_is_read_as_the_most_common_word_of_its_stem_whatever_the_order_of_the_slips(
    library_factory, monkeypatch
):
    library = library_factory([abstract("92100046", "Asystole", "Asystole happened again after the next dose.")])
    monkeypatch.setattr(subjects, "_one_slip", lambda word: ["happened", "happens"])  # a set's order varies by run
    assert subjects._spelled_as_indexed(library, ("happend",)) == (("happened",), "happened")


def test_initials_no_article_writes_are_read_as_the_words_the_articles_on_the_rest_spell_out(library_factory):
    bones = abstract(
        "92100047",
        "Pamidronate in children with osteogenesis imperfecta",
        "Cyclical intravenous pamidronate reduced fractures in type IV osteogenesis imperfecta.",
    )
    library = library_factory([bones])
    assert subject_coverage(library, "Type IV OI on pamidronate: can it be stopped?").missing == []
    # initials the articles on the rest do not spell out stay missing
    assert subject_coverage(library, "Type IV EDS on pamidronate: can it be stopped?").missing == ["EDS"]
    assert spelled_out("OI", ["the outcome of interest"], lambda w: True) == ""  # stop words spell nothing
    assert spelled_out("OI", ["overall improvement"], lambda w: False) == ""  # two letters need rare words


def test_note_shorthand_for_an_order_a_specialty_and_a_clipped_long_word_is_read(library_factory):
    kidney = abstract(
        "92100048",
        "Erythropoietin and parathyroid hormone in haemodialysis",
        "In HD patients with secondary hyperparathyroidism EPO lowered PTH; neuropsychological testing and "
        "neutropenic fever were recorded.",
    )
    library = library_factory([kidney])
    assert subject_coverage(library, "HD pt w/ 2ndary HPT: does EPO shift PTH?").missing == []
    assert subject_coverage(library, "Neutropenic onc pt: does EPO shift PTH?").missing == []
    assert subject_coverage(library, "Slowed on neuropsych testing: does EPO shift PTH?").missing == []


def test_a_brand_after_a_word_for_when_it_is_given_is_read_as_its_generic(library_factory):
    anaemia = abstract(
        "92100049", "Cefotetan immune haemolytic anaemia", "Cefotetan prophylaxis caused haemolytic anaemia."
    )
    library = library_factory([anaemia])
    coverage = subject_coverage(library, "Prophylactic Cefotan: how often does haemolytic anaemia follow?")
    assert coverage.missing == []
    assert coverage.read_as["Prophylactic Cefotan"] == "cefotetan"


def test_a_brand_whose_form_matters_needs_an_article_on_that_form(library_factory):
    tablets = abstract(
        "92100050",
        "Quetiapine and methylphenidate tablets",
        "Seroquel tablets at night sedated; methylphenidate three times a day and diclofenac tablets were given. "
        "Fluphenazine enanthate caused parkinsonism.",
    )
    library = library_factory([tablets])
    assert subject_coverage(library, "Is Seroquel XR less sedating?").missing == ["Seroquel XR"]
    assert subject_coverage(library, "Does Concerta last the school day?").missing == ["Concerta"]
    assert subject_coverage(library, "Is Voltaren gel as good for knees?").missing == ["Voltaren gel"]
    assert subject_coverage(library, "Are Seroquel tablets given at night?").missing == []
    # a generic's own name tells its form: no brand, no second look
    assert subject_coverage(library, "Fluphenazine enanthate depot: parkinsonism?").missing == []
    slow = abstract(
        "92100051",
        "Extended-release quetiapine and topical diclofenac",
        "Extended-release quetiapine once daily and topical diclofenac were compared with methylphenidate.",
    )
    library = library_factory([tablets, slow])
    assert subject_coverage(library, "Is Seroquel XR less sedating?").missing == []
    assert subject_coverage(library, "Is Voltaren gel as good for knees?").missing == []


def test_initials_spelt_with_a_capitalised_word_or_across_a_stop_word_a_variant_apart_and_kin_are_read(
    library_factory,
):
    assert spelled_out("SICU", ["admitted to the surgical ICU in 1999"], lambda w: True) == "surgical ICU"
    assert spelled_out("ULN", ["ALT above the upper limit of normal"], lambda w: True) == "upper limit of normal"
    assert spelled_out("CRP", ["raised C-reactive protein"], lambda w: True) == "C-reactive protein"
    amyloid = abstract(
        "92100052",
        "Can echocardiography discriminate hereditary transthyretin V30M amyloidosis from HCM?",
        "Hereditary transthyretin (ATTR) amyloidosis could be misdiagnosed as HCM. Nasal polyps ran in the family.",
    )
    library = library_factory([amyloid])
    assert subject_coverage(library, "?HCM vs hereditary ATTR V30M amyloid - echo rule?").missing == []
    assert subject_coverage(library, "?HCM vs hereditary ATTR V122I amyloid - echo rule?").missing == ["ATTR V122I"]
    assert subject_coverage(library, "My grandparents had nasal polyps: are they inherited?").missing == []


def test_a_drug_and_what_it_causes_a_rare_brand_the_library_names_and_hbot_are_read_as_abstracts_write_them(
    library_factory,
):
    cystitis = abstract(
        "92100053",
        "Hyperbaric oxygen therapy for intractable cyclophosphamide-induced hemorrhagic cystitis",
        "Hyperbaric oxygen stopped the bleeding. Nexavar (sorafenib) was given to one patient.",
    )
    spasm = abstract(
        "92100054",
        "Sorafenib and coronary spasm",
        "Sorafenib caused coronary artery spasm; no analgesic helped. "
        "Levomepromazine with fluvoxamine caused seizures.",
    )
    library = library_factory([cystitis, spasm])
    coverage = subject_coverage(library, "HBOT for intractable cyclophosphamide haemorrhagic cystitis: how long?")
    assert coverage.missing == []
    assert subject_coverage(library, "HBOT for intractable busulfan haemorrhagic cystitis?").missing == [
        "intractable busulfan haemorrhagic cystitis"
    ]
    nexavar = subject_coverage(library, "Could nexavar cause coronary spasm?")
    assert nexavar.read_as == {"nexavar": "sorafenib"}  # search finds the articles that name it sorafenib
    assert "sorafenib" in nexavar.with_names_read("Could nexavar cause coronary spasm?")
    assert subject_coverage(library, "Could an analgesic cause coronary spasm?").read_as == {}  # a class, no brand
    assert subject_coverage(library, "Is nozinan with fluvoxamine safe, or can it cause seizures?").missing == []


def test_a_place_by_its_people_a_slip_before_a_type_letter_a_genus_initial_and_fen_phen_are_read(library_factory):
    jews = abstract(
        "92100055",
        "APC I1307K in Moroccan Jews",
        "The I1307K variant of APC was found in Moroccan Jews with hepatitis C. In vitro, P. falciparum grew. "
        "Fenfluramine caused valve disease. Culture on Löwenstein-Jensen medium guided TB treatment.",
    )
    library = library_factory([jews])
    assert subject_coverage(library, "My family are Jews from Morocco: is I1307K of APC common?").missing == []
    assert subject_coverage(library, "Jews from Mumbai: is I1307K of APC common?").missing == ["Mumbai"]
    assert subject_coverage(library, "Did they catch acute hepatitus C in Jews with I1307K?").missing == []
    assert subject_coverage(library, "Does P. falciparum grow in vitro P. falciparum culture?").missing == []
    assert subject_coverage(library, "I took fen-phen: does it cause valve disease?").missing == []
    assert subject_coverage(library, "My optician says LJ culture guides TB treatment: does it?").missing == []
    # initials are spelt within one phrase, not across a sentence's end
    assert spelled_out("ESP", ["Enterobacteriaceae. Only strains of P"], lambda w: True) == ""
