"""How the asker talks is no subject: adjectives, verbs, hedges and family, by a dictionary of word forms."""

import pytest

from retrieval.search.drug_dictionary import generic_name
from retrieval.search.word_classes import may_name_a_thing, reads_as_talk


def talk(sentence: str) -> list[str]:
    words = sentence.lower().split()
    return [w for i, w in enumerate(words) if reads_as_talk(words, i)]


@pytest.mark.parametrize(
    ("sentence", "said"),
    [
        ("now her legs are really achy and weak", ["achy"]),  # an adjective only
        ("my cardiologist reckons statins help", ["reckons"]),  # a verb only
        ("can acupuncture actually shrink the lesions from overusing my voice", ["shrink", "overusing"]),
        ("could that combo wreck your liver", ["combo", "wreck"]),  # a noun of talk, a verb before its object
        ("is that just a hunch or is there a downside", ["hunch", "downside"]),
        ("grandad 84m got confused theyre booking me in", ["grandad", "84m", "theyre"]),
        ("would popping ephedrine an hour before help", ["popping", "before"]),
        ("do people who've had cancer fall more", ["who've"]),  # a contraction with its apostrophe
        ("he runs a 10k on oxynorm 10mg", ["10k", "10mg"]),  # a distance and a dose
        ("on salmeterol bd and ipratropium prn for mgmt", ["bd", "prn", "mgmt"]),  # note shorthand
        ("the gp added a tablet and ent want to operate", ["gp", "ent"]),  # the people who treat them
        ("t6 paraplegia and cough medicines for under-6s", ["t6", "under-6s"]),  # a spinal level, an age group
        ("i leak wee every time i cough or sneeze", ["leak", "cough", "sneeze"]),  # verbs after their subject
    ],
)
def test_words_of_talk_are_no_things(sentence: str, said: list[str]) -> None:
    assert set(said) <= set(talk(sentence))


def test_things_asked_about_stay_things() -> None:
    assert not {"astronauts", "saunas", "bone"} & set(talk("do astronauts in saunas lose bone"))
    assert "journaling" not in talk("does journaling help ptsd")  # an activity, as the question's subject
    assert "acupuncture" not in talk("can acupuncture help")
    assert "sneeze" not in talk("does a sneeze spread the flu")  # a noun after an article
    assert may_name_a_thing("refugee") and may_name_a_thing("smartwatch") and not may_name_a_thing("blurry")


def test_a_brand_no_table_knows_is_read_as_its_generic_name() -> None:
    assert generic_name("Zonegran") == "zonisamide" and generic_name("Hepsera") == "adefovir"
    assert generic_name("headache") == "" and generic_name("zonisamide") == ""
