"""Verdicts of yes/no questions: telling them apart, each article's stance with the shipped classifier, the verdict."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from retrieval.answers import stance as stance_module
from retrieval.answers.stance import (
    MIN_RELEVANCE,
    OFF_TOPIC,
    Stance,
    StanceModel,
    answers_skipping,
    article_stance,
    candidate_sentences,
    features,
    is_yes_no,
    load_stance_model,
    negated_words,
    question_terms,
    relevance,
    reports_dispensable,
    reports_equivalence,
    reports_harm,
    reports_opposite,
    reports_partial,
    states_no_effect,
    verdict,
    worse_sentence,
)
from retrieval.library.records import AbstractSection, Article
from retrieval.text import stems

ROOT = Path(__file__).resolve().parents[1]
ANSWERABLE = ROOT / "bench" / "data" / "trust" / "answerable_questions.jsonl"


def article(sections: dict[str, str], title: str = "A study") -> Article:
    return Article(pmid="1", title=title, abstract=[AbstractSection(t, label) for label, t in sections.items()])


# ------------------------------------------------------------------ is_yes_no
@pytest.mark.parametrize(
    "question",
    [
        "Does aspirin reduce the risk of stroke?",
        "Is metformin safe in pregnancy?",
        "Can children take ibuprofen for fever?",
        "Should I stop statins before surgery?",
        "Are e-cigarettes less harmful than smoking?",
        "Do probiotics help with IBS?",
        "Will vitamin D prevent colds?",
        "Has the HPV vaccine reduced cervical cancer?",
        "dose coffee raise blood pressure",
        "wouldnt 2 or 3 follicles give me a beter chance of getting pregnant?",
        "In adults with type 2 diabetes, does metformin lower mortality?",
        "So, is it safe to fly after a DVT?",
        "Storage of vaccines in the community: weak link in the cold chain?",
        "Hypotension in the ICU: a risk factor for delirium?",
        "Metered-dose inhalers. Do health care providers know what to teach?",
        "Olanzapine or risperidone first-line in first-episode schizophrenia - any difference in response?",
        "VKORC1 -1639 AA genotype, no CYP2C9 variant - expect a lower warfarin maintenance dose?",
        "Prognosis of small hepatocellular carcinoma--is well differentiated carcinoma clinically early cancer?",
        "She only takes the normal amount, so is that a load of rubbish?",
        "my mate says sugar free ones are worse for teeth?? is that right",
        "84F ?appendicitis, WCC and CRP both normal. In the elderly can leukocytes + CRP rule appendicitis in or out?",
        "OA/RA pts on valdecoxib - any excess CV thrombotic events vs diclofenac, ibuprofen, naproxen or placebo?",
        "Are poor-metabolizer alleles (e.g. CYP2D6*4) a risk factor for spondylitis, whether one copy or two?",
        "Is FDG uptake a surrogate for hypoxia, i.e. do the avid regions match?",
        "In a patient comatose after an overdose, and whose EEG shows alpha coma, is recovery still to be expected?",
        "pt w/ prolonged block after sux, now phase II on TOF — will neostigmine or edrophonium reverse it?",
    ],
)
def test_yes_no_questions(question: str) -> None:
    assert is_yes_no(question)


@pytest.mark.parametrize(
    "question",
    [
        "What is the first-line treatment of hypertension?",
        "How often does pneumothorax follow transbronchial biopsy?",
        "Which antibiotic is best for cellulitis?",
        "When should statins be started after a stroke?",
        "Why do some patients not respond to clopidogrel?",
        "treatment of gout",
        "",
        "Sitagliptin add-on in T2DM uncontrolled on glimepiride - HbA1c drop?",
        "Len-dex in RRMM real-world - ORR and DVT rate?",
        "Ipratropium or theophylline for acute bronchodilation in stable COPD?",
        "Side effects of alendronate?",
        "Be honest - what does adding atropine actually buy you?",
        "What's the deal with steroid ear drops – is it the betamethasone?",
        "M 60s, obs WNL, given O2 + GTN; sudden drop in BP. Likely mechanism?",
        "Pt seen by Dr. Patel last week. What dose of furosemide is usual?",
    ],
)
def test_other_questions(question: str) -> None:
    assert not is_yes_no(question)


def test_is_yes_no_on_the_hand_written_questions() -> None:
    rows = [json.loads(line) for line in ANSWERABLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    right = [is_yes_no(r["question"]) == (r.get("verdict") is not None) for r in rows]
    assert sum(right) / len(rows) >= 0.85


# ------------------------------------------------------------------ features and sentences
def test_negation_marks_the_words_in_its_scope() -> None:
    assert negated_words("Aspirin did not reduce mortality, but it reduced pain.") == [
        "aspirin",
        "did",
        "not",
        "not_reduce",
        "not_mortality",
        "it",
        "reduced",
        "pain",
    ]


def test_deciding_sentence_prefers_relevant_conclusions() -> None:
    a = article(
        {
            "BACKGROUND": "Delirium is common after surgery.",
            "RESULTS": "Delirium occurred in 12% and 24% (p < 0.01). Wound infection rates were similar.",
            "CONCLUSIONS": "Early mobilisation reduces delirium after hip surgery. Costs were not studied.",
        }
    )
    ranked = candidate_sentences("Does early mobilisation reduce delirium after hip surgery?", a)
    assert ranked[0].sentence == "Early mobilisation reduces delirium after hip surgery."
    assert "Delirium is common after surgery." not in [c.sentence for c in ranked]


def test_features_cross_cues_with_the_question() -> None:
    f = features("Is smoking a risk factor for ulcers?", ["No significant association was found (p = 0.4)."])
    assert f["cue:cue_no_difference"] >= 1 and f["cue:cue_no_difference:qrisk"] >= 1
    assert f["cue:p_nonsignificant"] == 1


def test_model_round_trips_through_json(tmp_path: Path) -> None:
    model = StanceModel(["supports", "contradicts", "neutral"], {"w:a": 0}, [1.0], [[1.0], [-1.0], [0.0]], [0, 0, 0])
    model.provenance = {"date": "today"}
    model.save(tmp_path / "m.json")
    again = StanceModel.load(tmp_path / "m.json")
    assert again.probabilities(Counter({"w:a": 1})) == pytest.approx(model.probabilities(Counter({"w:a": 1})))
    assert again.provenance == {"date": "today"}


# ------------------------------------------------------------------ the shipped classifier
def test_shipped_model_has_provenance() -> None:
    model = load_stance_model()
    assert model.classes == ["supports", "contradicts", "neutral"]
    for key in ("date", "fitted_on", "dev_cross_validated", "test"):
        assert key in model.provenance


def test_clear_conclusions_get_their_stance() -> None:
    model = load_stance_model()
    question = "Does early mobilisation reduce delirium after hip fracture surgery?"
    yes = article(
        {
            "RESULTS": "Delirium occurred in 12% of patients mobilised early and 24% with usual care (p < 0.001).",
            "CONCLUSIONS": "Early mobilisation significantly reduces delirium after hip fracture surgery.",
        }
    )
    no = article(
        {
            "RESULTS": "Delirium occurred in 18% and 19% of patients (p = 0.74), with no significant difference.",
            "CONCLUSIONS": "Early mobilisation did not reduce delirium after hip fracture surgery.",
        }
    )
    supports, contradicts = article_stance(model, question, yes), article_stance(model, question, no)
    assert supports.label == "supports" and "significantly reduces" in supports.sentence
    assert contradicts.label == "contradicts" and "did not reduce" in contradicts.sentence
    assert 0.0 < supports.probability <= 1.0
    assert sum(supports.probabilities.values()) == pytest.approx(1.0)


# ------------------------------------------------------------------ verdicts
def stance(label: str, p: float = 0.9) -> Stance:
    return Stance(label, p, "sentence")  # type: ignore[arg-type]


RCT, SR, CASE, OTHER = "randomized controlled trial", "systematic review / meta-analysis", "case report", "other"


def test_verdict_agreeing_trials() -> None:
    assert verdict([(stance("supports"), RCT), (stance("supports"), RCT)]) == (
        "yes",
        "two randomized controlled trials agree",
    )


def test_verdict_one_case_report() -> None:
    assert verdict([(stance("contradicts"), CASE), (stance("neutral"), OTHER)]) == ("no", "one case report")


def test_verdict_mixed_names_both_sides_strongest_first() -> None:
    answer, rests = verdict(
        [(stance("supports"), SR), (stance("contradicts"), RCT), (stance("contradicts", 1.0), OTHER)]
    )
    assert answer == "mixed"
    assert rests == "one randomized controlled trial and one study contradict, one systematic review supports"


def test_verdict_strong_majority_notes_the_dissent() -> None:
    answer, rests = verdict([(stance("supports"), SR), (stance("supports"), RCT), (stance("contradicts"), CASE)])
    assert answer == "yes"
    assert rests == "one systematic review and one randomized controlled trial agree (one case report disagrees)"


def test_verdict_insufficient() -> None:
    assert verdict([]) == ("insufficient", "no article in the library bears on it")
    off_topic = Stance("neutral", 1.0, "sentence", dict(OFF_TOPIC))
    assert verdict([(off_topic, RCT), (off_topic, OTHER)]) == ("insufficient", "two articles, none decides it")


def test_verdict_inconclusive_articles_on_the_question_make_it_mixed() -> None:
    assert verdict([(stance("neutral"), RCT), (stance("neutral"), OTHER)]) == (
        "mixed",
        "one randomized controlled trial and one study are inconclusive",
    )
    assert verdict([(stance("neutral"), CASE)]) == ("mixed", "one case report is inconclusive")


def test_unknown_level_counts_as_other() -> None:
    assert verdict([(stance("supports"), "letter")]) == ("yes", "one study")


# ------------------------------------------------------------------ the local language model, scored
@pytest.mark.llm
def test_llm_scores_yes_no_maybe_on_two_questions() -> None:
    from retrieval.answers.llm.llamacpp_chat import model_path
    from retrieval.answers.llm.yesno import (
        llm_article_stance,
        load_llama,
        load_yesno_calibration,
        yes_no_maybe_probabilities,
    )
    from retrieval.settings import get_settings

    llama = load_llama(model_path(get_settings()))
    calibration = load_yesno_calibration()
    question = "Does early mobilisation reduce delirium after hip fracture surgery?"
    evidence = {
        "yes": "Early mobilisation halved delirium after hip fracture surgery (12% vs 24%, p < 0.001).",
        "no": "Delirium rates did not differ with early mobilisation (18% vs 19%, p = 0.74); it had no effect.",
    }
    raw = {name: yes_no_maybe_probabilities(llama, question, text) for name, text in evidence.items()}
    for p in raw.values():
        assert set(p) == {"yes", "no", "maybe"} and sum(p.values()) == pytest.approx(1.0)
    # the yes-minus-no margin separates the two, raw and calibrated
    assert raw["yes"]["yes"] / raw["yes"]["no"] > raw["no"]["yes"] / raw["no"]["no"]
    calibrated = {name: calibration.calibrated(p) for name, p in raw.items()}
    assert calibrated["yes"]["yes"] - calibrated["yes"]["no"] > calibrated["no"]["yes"] - calibrated["no"]["no"]
    # combined with the classifier over an article: a stance, its deciding sentence, probabilities summing to one
    combined = llm_article_stance(
        llama, calibration, load_stance_model(), question, article({"RESULTS": evidence["no"]})
    )
    assert combined.label in ("supports", "contradicts", "neutral") and combined.sentence.startswith("Delirium rates")
    assert sum(combined.probabilities.values()) == pytest.approx(1.0)


# ------------------------------------------------------------------ fitting (retrieval.calibration.stance)
def test_fit_learns_negated_findings_and_drops_conclusions() -> None:
    from retrieval.calibration.stance import Example, fit, predict, scores, without_conclusions

    a = article({"RESULTS": "Pain fell.", "CONCLUSIONS": "It works."})
    assert [s.label for s in without_conclusions(a).abstract] == ["RESULTS"]
    q = "Does the drug reduce pain?"
    yes = ["The drug reduced pain significantly (p < 0.01).", "Pain was significantly lower with the drug."]
    no = ["The drug did not reduce pain (p = 0.6).", "There was no significant difference in pain."]
    data = [
        Example(q, label, features(q, [s]), g)
        for g, (label, s) in enumerate([("supports", s) for s in yes] * 5 + [("contradicts", s) for s in no] * 5)
    ]
    model = fit(data, 1.0, None)
    p = predict(model, [e.feats for e in data])
    result = scores([e.label for e in data], [model.classes[k] for k in p.argmax(axis=1)])
    assert result["accuracy"] == 1.0 and result["recall_no"] == 1.0


@pytest.mark.llm
def test_llm_support_log_odds_rank_a_supported_claim_above_a_reversed_one() -> None:
    from retrieval.answers.llm.entailment import support_log_odds
    from retrieval.answers.llm.llamacpp_chat import model_path
    from retrieval.answers.llm.yesno import load_llama
    from retrieval.settings import get_settings

    llama = load_llama(model_path(get_settings()))
    passage = "Early mobilisation halved delirium after hip fracture surgery (12% vs 24%, p < 0.001)."
    supported = support_log_odds(llama, "Early mobilisation reduced delirium after hip fracture surgery.", passage)
    reversed_ = support_log_odds(llama, "Early mobilisation increased delirium after hip fracture surgery.", passage)
    unrelated = support_log_odds(llama, "Metformin lowers HbA1c in type 2 diabetes.", passage)
    assert supported > reversed_ and supported > unrelated


def test_a_deciding_sentence_stating_no_effect_decides_no_unless_the_question_asks_about_harm():
    sentence = "Furosemide did not reduce the rise in serum creatinine after contrast."
    assert states_no_effect("Does furosemide protect the kidneys from contrast?", sentence)
    # "no difference in harm" answers a safety question yes, and a sentence that turns is left to the classifier
    assert not states_no_effect("Is furosemide safe before contrast?", sentence)
    assert not states_no_effect("Does it help?", "It did not affect insulin levels, but it increased glucose.")
    assert not states_no_effect("Does it help?", "Mortality fell by a third.")
    assert states_no_effect("Do glutamate supplements stop it?", "Glutamate fails to protect against neurotoxicity.")
    assert states_no_effect(
        "Does a narrowed field prove damage?", "Perimetry is neither sensitive nor specific for it."
    )


def test_a_finding_of_harm_answers_a_safety_question_no():
    model = load_stance_model()
    article = Article(
        pmid="1",
        title="Vitamin C supplements and cardiovascular death in women with diabetes",
        year=2004,
        abstract=[
            AbstractSection(
                "A high vitamin C intake from supplements is associated with an increased risk of cardiovascular "
                "disease mortality in postmenopausal women with diabetes.",
                label="CONCLUSION",
            )
        ],
    )
    # the classifier reads the finding as a yes; to "is it safe?" it is a no
    finding = article_stance(model, "Do vitamin C supplements raise heart deaths in women with diabetes?", article)
    safety = article_stance(model, "Are vitamin C supplements safe for the heart in women with diabetes?", article)
    assert (finding.label, safety.label) == ("supports", "contradicts")
    assert not reports_harm("Is it safe?", "Complications were rare and minor.")
    assert not reports_harm("Does it work?", "It is associated with an increased risk of death.")


def test_a_sentence_saying_it_can_be_done_without_answers_a_need_question_no():
    sentence = "Pretreatment ECG is of limited value for patients with a normal heart rate."
    assert reports_dispensable("Does my baby need a heart check before propranolol?", sentence)
    assert not reports_dispensable("Does propranolol slow the heart?", sentence)
    assert not reports_dispensable("Is an ECG necessary?", "An ECG found arrhythmias in 3% of infants.")
    advice = "We cannot advocate the administration of lidocaine prophylactically in suspected infarction."
    assert reports_dispensable("Should lignocaine be given routinely after a heart attack?", advice)
    assert not reports_dispensable("Does lignocaine prevent arrhythmias?", advice)


def test_the_sentence_saying_it_is_not_needed_decides_even_after_a_favourable_conclusion():
    class ReadsYes:  # the fitted classifier, where it reads the favourable conclusion as a yes
        def probabilities(self, feats):
            return {"supports": 0.8, "contradicts": 0.1, "neutral": 0.1}

    tobramycin = article(
        {
            "CONCLUSION": "This small study suggests that a once-daily dosing regimen of tobramycin is at least as"
            " effective as and is no more and possibly less toxic than the twice-daily regimen. Using a single-dose"
            " therapy, peak concentration determination is not necessary, only trough samples should be monitored.",
        },
        title="Therapeutic drug monitoring of tobramycin: once-daily versus twice-daily dosage schedules.",
    )
    question = "Switching our pts to once-daily tobramycin 4 mg/kg: do we still need to draw peak levels?"
    stance = article_stance(ReadsYes(), question, tobramycin, answering=True)
    assert stance.label == "contradicts" and "not necessary" in stance.sentence


def test_a_question_asking_to_leave_something_out_is_answered_by_whether_it_can_be():
    optional = "Routine dissection of station 9 lymph nodes may not be necessary in patients with a low T stage."
    advised = "We suggest that regardless of family history, all children over 5 years should be screened."
    assert answers_skipping("Can station 9 dissection be omitted without compromising staging?", optional) == "supports"
    assert answers_skipping("Is it okay to skip getting a child's cholesterol checked?", advised) == "contradicts"
    # a question about what leaving it out does is no question of whether it may be left out
    assert answers_skipping("Does leaving out mannitol raise the risk of kidney injury?", advised) is None
    assert reports_harm("Is clamping for over 30 minutes harmless?", "Kidney damage occurs when ischemia is long.")
    article = Article(
        pmid="1",
        title="Station 9 lymph node metastasis in lung cancer",
        year=2016,
        abstract=[
            AbstractSection(
                "In lung cancer, station 9 dissection found metastasis less often than at other stations. " + optional,
                "CONCLUSIONS",
            )
        ],
    )
    stance = article_stance(load_stance_model(), "Can station 9 dissection be omitted in lung cancer?", article)
    assert (stance.label, stance.sentence) == ("supports", optional)  # the sentence that decides it is shown


def test_a_case_report_titled_with_the_harm_answers_can_i_take_them_together_no():
    model = load_stance_model()
    article = Article(
        pmid="1",
        title="Serotonin syndrome from venlafaxine-tranylcypromine interaction.",
        year=1996,
        abstract=[
            AbstractSection("A man on tranylcypromine was given venlafaxine; his temperature rose to 40 C.", "RESULTS"),
            AbstractSection("This patient survived without sequelae after aggressive sedation.", "CONCLUSIONS"),
        ],
    )
    assert article_stance(model, "Can I take venlafaxine while I'm on tranylcypromine?", article).label == "contradicts"


def test_a_sentence_calling_it_harmful_answers_does_it_help_no():
    sentences = ["Renal failure was more common.", "Furosemide may be deleterious in the prevention of nephropathy."]
    question = "Will Lasix with IV fluids protect my kidneys from the dye?"
    assert worse_sentence(question, sentences) == sentences[1]
    assert worse_sentence("Is Lasix safe before the dye?", sentences) == ""  # asks no benefit
    # said of the comparator, or negated: left to the classifier
    assert worse_sentence(question, ["Controls, compared with the treated, showed deterioration."]) == ""
    assert worse_sentence(question, ["Furosemide was not deleterious."]) == ""
    # a question about leaving it out is answered yes by a finding that it harms
    omitted = ["Fentanyl was an unnecessary and possibly detrimental supplement to sevoflurane."]
    assert worse_sentence("Does leaving out the fentanyl help with the sickness?", omitted) == ""
    assert worse_sentence("Would stopping it help?", omitted) == ""


def test_equal_outcomes_answer_any_difference_no():
    sentence = "Clinical outcomes with risperidone were equal to those with olanzapine."
    assert states_no_effect("Olanzapine or risperidone - any difference in response?", sentence)
    assert not states_no_effect("Is risperidone as good as olanzapine?", sentence)
    similar = "The incidence of EPS with quetiapine is similar to that with placebo."
    assert states_no_effect("Does Seroquel cause more tremor or restlessness than a dummy pill?", similar)
    # "similar" said of the study's design, not of its outcomes
    design = "Studies using a similar research protocol will help professionals serve this population."
    assert not states_no_effect("Will the dog make a difference to how he behaves?", design)


def test_equal_outcomes_or_a_safe_finding_answer_as_good_as_and_is_it_safe_yes():
    model = load_stance_model()
    article = Article(
        pmid="1",
        title="Oxitropium versus slow-release theophylline in nocturnal asthma",
        year=1988,
        abstract=[
            AbstractSection(
                "No significant difference was noticed between results obtained with either active drug.", "RESULTS"
            ),
            AbstractSection("Oxitropium proves to be a valuable alternative to theophylline.", "CONCLUSIONS"),
        ],
    )
    question = "is an oxitropium inhaler as good as slow release theophyline for asthma at night?"
    assert article_stance(model, question, article).label == "supports"
    assert reports_equivalence("Is it safe to have chemotherapy there?", "It appears safe to administer chemotherapy.")
    assert reports_equivalence("can we get away w/ half dose?", "Image quality was rated identically with half dose.")
    # negated, turned or asked about a difference: left to the classifier
    assert not reports_equivalence("Is it safe to skip surgery?", "Exclusive chemoradiation is not safe.")
    assert not reports_equivalence("Is X as good as Y?", "Outcomes were not comparable.")
    assert not reports_equivalence("Is X as good as Y?", "Survival was comparable, but renal function was worse.")
    assert not reports_equivalence("Does X differ from Y?", "Outcomes were comparable.")


def test_a_lay_term_or_brand_counts_as_written_any_of_its_ways():
    terms = question_terms("Can a water pill cause impotence?")
    assert (frozenset(stems("water pill")), frozenset(stems("diuretic"))) in terms
    trial = Article(
        pmid="1",
        title="Adverse reactions to a diuretic for mild hypertension",
        abstract=[AbstractSection("The diuretic was found to cause impotence in more men than placebo did.")],
    )
    assert relevance("Can a water pill cause impotence?", trial) == 1.0
    assert relevance("Can a sleeping pill cause impotence?", trial) < 1.0


def test_a_long_message_is_about_the_article_naming_its_rare_words():
    message = (
        "My grandmother is 86 and broke her hip yesterday. The anesthetist asked whether we would prefer a spinal "
        "or putting her fully under. A nurse friend told us regional is much safer for elderly people. Does "
        "regional anesthesia really mean fewer complications after hip fracture surgery?"
    )
    trial = Article(
        pmid="1",
        title="Regional versus general anesthesia for hip fracture surgery in geriatric patients",
        abstract=[AbstractSection("There is no difference in postoperative morbidity or in-patient mortality.")],
    )
    unrelated = Article(
        pmid="2",
        title="A nurse-led clinic for elderly people",
        abstract=[AbstractSection("Friends and family told us the clinic was much safer.")],
    )
    assert relevance(message, trial) >= MIN_RELEVANCE > relevance(message, unrelated)


def test_the_answering_article_is_on_topic_in_words_the_question_does_not_use():
    question = "Do more babies arrive a day or two after a full moon?"
    lunar = Article(
        pmid="1",
        title="Lunar phases and the time of delivery",
        abstract=[AbstractSection("CONCLUSION: Deliveries were significantly more frequent after the lunar phase.")],
    )
    assert relevance(question, lunar) < MIN_RELEVANCE
    model = load_stance_model()
    assert article_stance(model, question, lunar).probabilities == OFF_TOPIC
    assert article_stance(model, question, lunar, answering=True).label == "supports"


def test_a_story_before_the_question_asks_nothing():
    story = "Dad had a fit after his valve operation, which the nurses said was unusual."
    assert is_yes_no(f"{story} Is high-dose tranexamic acid linked to seizures?")
    assert not is_yes_no(f"{story} What dose of tranexamic acid do they give?")


def test_a_publisher_line_never_decides_and_a_no_effect_finding_that_turns_is_left_to_the_classifier():
    cited = article(
        {
            "RESULTS": "Survivors lived independently.",
            "CONCLUSIONS": "Age alone is no contraindication to redo surgery. Geriatr Gerontol Int 2016; 16: 1-9.",
        }
    )
    ranked = candidate_sentences("Is redo surgery worth it over 80?", cited)
    assert all("Geriatr" not in c.sentence for c in ranked)
    turning = article(
        {
            "CONCLUSIONS": "Invasion of the renal vein is not associated with VEGF expression. However, VEGF is an "
            "independent prognostic factor for survival."
        }
    )
    finding = "Invasion of the renal vein is not associated with VEGF expression."
    plain = article({"CONCLUSIONS": finding})
    assert stance_module._turned(turning, finding) and not stance_module._turned(plain, finding)


def test_a_finding_for_part_of_what_was_asked_is_neither_yes_nor_no():
    # the question lists both cell types; the effect held for one
    question = "Does tea tree oil suppress superoxide production by white blood cells (neutrophils and monocytes)?"
    assert reports_partial(question, "Its components suppress superoxide production by monocytes, but not neutrophils.")
    # a subgroup the question did not restrict itself to
    assert reports_partial(
        "Do women have a survival advantage over men after lung resection?",
        "A gender difference in survival was observed only in the adenocarcinoma subset.",
    )
    # a trend that was not significant
    assert reports_partial("Does dexmedetomidine protect the heart?", "There was a trend towards benefit (p = 0.44).")
    assert reports_partial("Is ethnic density protective?", "It was less likely for some, but not all, ethnic groups.")
    assert reports_partial("Does histamine explain the fall?", "The changes are only partially explained by histamine.")
    # asked about the one thing excluded: a plain no, left to the classifier
    assert not reports_partial(
        "Can serial nerve conduction studies pick up neuropathy early?",
        "The SNAP index can be used to monitor peripheral neuropathy, but not for early detection.",
    )
    assert not reports_partial("Does the effect hold in adenocarcinoma?", "It was observed only in adenocarcinoma.")
    # the title says so, when the deciding sentence does not
    dexrazoxane = article(
        {"RESULTS": "Dexrazoxane reduced myelosuppression from daunorubicin in mice."},
        title="Dexrazoxane protects against myelosuppression from daunorubicin but not doxorubicin",
    )
    asked = "Does dexrazoxane reduce myelosuppression from daunorubicin and doxorubicin?"
    assert article_stance(load_stance_model(), asked, dexrazoxane, answering=True).label == "neutral"
    stance = article_stance(
        load_stance_model(),
        question,
        article(
            {
                "CONCLUSION": "Tea tree oil components suppress the production of superoxide by monocytes, but not "
                "neutrophils."
            }
        ),
        answering=True,
    )
    assert stance.label == "neutral" and stance.inconclusive


def test_a_sentence_moving_the_asked_outcome_the_other_way_answers_no():
    question = "Does adding epinephrine to lipid reduce the ECG abnormalities during resuscitation?"
    found = (
        "Epinephrine with lipid was associated with an increased number of ECG abnormalities compared with lipid alone."
    )
    assert reports_opposite(question, found)
    assert not reports_opposite(question, "Epinephrine reduced the number of ECG abnormalities.")
    # two different things moving ("mortality" down, "survival" up) are left to the classifier
    assert not reports_opposite("Does the drug reduce mortality?", "The drug increased survival at one year.")
    assert not reports_opposite(question, "It did not increase ECG abnormalities.")  # negated
    stance = article_stance(load_stance_model(), question, article({"RESULTS": found}), answering=True)
    assert stance.label == "contradicts"


def test_not_only_affirms():
    assert "not_outcome" not in features("Is quality of life worse?", ["It is not only the outcome of the disease."])
