"""Lay words for clinical things: "chickenpox" is varicella, "water pill" a diuretic, "tummy" the abdomen.

Patients and many clinicians ask in everyday words that abstracts never use. Two
things go wrong without this table. The subject check (``retrieval.search.subjects``)
reads a rare lay word the library lacks ("chickenpox", "bedwetting") as a named
subject the library does not cover, and refuses a question the library answers;
and BM25 cannot match words no abstract uses. So a lay term found in a question
is looked up under its clinical names, and search adds those names to its
keyword query. Drug brand names work the same way (``retrieval.search.brand_names``:
Zoloft is sertraline), and so do clinical abbreviations (``retrieval.search.abbreviations``: HFrEF).

Only true synonyms belong here: a lay term and the clinical name of the same
thing. A neighbour ("snoring" for sleep apnoea, "blackout" for syncope) would
make MedLit answer about something that was not asked, which is the failure the
subject check exists to prevent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from retrieval.search.abbreviations import ABBREVIATIONS
from retrieval.search.brand_names import BRAND_NAMES

# lay term (lower case, as people type it) -> clinical names, most usual first
LAY_TERMS: dict[str, tuple[str, ...]] = {
    # body and symptoms
    "tummy": ("abdominal", "abdomen", "stomach"),
    "eardrum": ("tympanic membrane",),
    "gullet": ("esophagus", "oesophagus", "esophageal"),
    "collarbone": ("clavicle", "clavicular"),
    "walking pneumonia": ("mycoplasma pneumoniae", "mycoplasma pneumonia", "atypical pneumonia"),
    "collar bone": ("clavicle", "clavicular"),
    "food pipe": ("esophagus", "oesophagus", "esophageal"),
    "eardrums": ("tympanic membranes", "tympanic membrane"),
    "boob": ("breast",),
    "boobs": ("breasts", "breast"),
    "belly": ("abdominal", "abdomen"),
    "tummy ache": ("abdominal pain",),
    "bellyache": ("abdominal pain",),
    "stomach ache": ("abdominal pain",),
    "womb": ("uterus", "uterine"),
    "armpit": ("axilla", "axillary"),
    "strawberry birthmark": ("hemangioma", "haemangioma"),
    "strawberry birthmarks": ("hemangioma", "haemangioma"),
    "strawberry mark": ("hemangioma", "haemangioma"),
    "strawberry nevus": ("hemangioma", "haemangioma"),
    "strawberry naevus": ("hemangioma", "haemangioma"),
    "stork bite": ("nevus simplex", "salmon patch"),
    "armpits": ("axilla", "axillary"),
    "hives": ("urticaria",),
    "itching": ("pruritus",),
    "itchy skin": ("pruritus",),
    "pee": ("urine", "urinary"),
    "peeing": ("urination", "urinary"),
    "poop": ("stool", "feces", "faeces"),
    "poo": ("stool", "feces", "faeces"),
    "pooping": ("defecation", "bowel movement"),
    "puking": ("vomiting",),
    "throwing up": ("vomiting",),
    "barf": ("vomiting",),
    "fainting": ("syncope",),
    "nosebleed": ("epistaxis",),
    "nosebleeds": ("epistaxis",),
    "pimples": ("acne",),
    "zits": ("acne",),
    "pins and needles": ("paresthesia", "paraesthesia"),
    "ringing in the ears": ("tinnitus",),
    "ringing ears": ("tinnitus",),
    "ringing in my ears": ("tinnitus",),
    "ringing in my ear": ("tinnitus",),
    "ringing in the ear": ("tinnitus",),
    "ringing in my left ear": ("tinnitus",),
    "ringing in my right ear": ("tinnitus",),
    "bad breath": ("halitosis",),
    "dry mouth": ("xerostomia",),
    "tooth decay": ("caries",),
    "bedwetting": ("enuresis",),
    "bed wetting": ("enuresis",),
    "baldness": ("alopecia",),
    "hair loss": ("alopecia",),
    "hot flushes": ("vasomotor symptoms", "hot flashes"),
    "hot flashes": ("vasomotor symptoms", "hot flushes"),
    "heartburn": ("gastroesophageal reflux", "reflux"),
    "indigestion": ("dyspepsia",),
    "upset stomach": ("dyspepsia",),
    "yellow skin": ("jaundice",),
    "runny nose": ("rhinorrhea", "rhinorrhoea"),
    "stuffy nose": ("nasal congestion",),
    "racing heart": ("tachycardia",),
    "slow heartbeat": ("bradycardia",),
    "irregular heartbeat": ("arrhythmia",),
    "heart flutter": ("atrial flutter",),
    "brittle bones": ("osteoporosis",),
    "thinning bones": ("osteoporosis",),
    "wear and tear arthritis": ("osteoarthritis",),
    "slipped disc": ("disc herniation", "herniated disc"),
    "lazy eye": ("amblyopia",),
    "cross-eyed": ("strabismus",),
    "short-sighted": ("myopia",),
    "shortsighted": ("myopia",),
    "nearsighted": ("myopia",),
    "near-sighted": ("myopia",),
    "farsighted": ("hyperopia",),
    "long-sighted": ("hyperopia",),
    # conditions
    "durotomy": ("dural tear", "dural tears"),  # the surgeon's word for a tear of the dura made in operating
    "durotomies": ("dural tears", "dural tear"),
    "heart attack": ("myocardial infarction",),
    "heart attacks": ("myocardial infarction",),
    "mini stroke": ("transient ischemic attack", "transient ischaemic attack"),
    "mini-stroke": ("transient ischemic attack", "transient ischaemic attack"),
    "blood clot": ("thrombosis", "thrombus"),
    "blood clots": ("thrombosis", "thrombi"),
    "clots in the legs": ("venous thrombosis", "deep vein thrombosis"),
    "clot in the leg": ("venous thrombosis", "deep vein thrombosis"),
    "clots in the leg": ("venous thrombosis", "deep vein thrombosis"),
    "bedbound": ("immobilization", "immobilized", "immobilisation"),
    "bed-bound": ("immobilization", "immobilized", "immobilisation"),
    "bedridden": ("immobilization", "immobilized", "immobilisation"),
    "clot in his leg": ("venous thrombosis", "deep vein thrombosis"),
    "clot in her leg": ("venous thrombosis", "deep vein thrombosis"),
    "leg clot": ("venous thrombosis", "deep vein thrombosis"),
    "leg clots": ("venous thrombosis", "deep vein thrombosis"),
    "clots": ("thrombosis", "thrombi"),
    "high blood pressure": ("hypertension",),
    "low blood pressure": ("hypotension",),
    "sugar diabetes": ("diabetes",),
    "blood sugar": ("glucose", "glycemic"),
    "kidney stones": ("nephrolithiasis", "renal calculi", "kidney stone"),
    "gallstones": ("cholelithiasis", "gallstone"),
    "piles": ("hemorrhoids", "haemorrhoids"),
    "bunion": ("hallux valgus",),
    "bunions": ("hallux valgus",),
    "shingles": ("herpes zoster", "zoster"),
    "chickenpox": ("varicella",),
    "chicken pox": ("varicella",),
    "whooping cough": ("pertussis",),
    "pinkeye": ("conjunctivitis",),
    "pink eye": ("conjunctivitis",),
    "lockjaw": ("tetanus",),
    "german measles": ("rubella",),
    "glandular fever": ("mononucleosis",),
    "cold sores": ("herpes labialis",),
    "cold sore": ("herpes labialis",),
    "canker sores": ("aphthous",),
    "canker sore": ("aphthous",),
    "gum disease": ("periodontitis", "periodontal disease"),
    "bedsores": ("pressure ulcers", "decubitus"),
    "bedsore": ("pressure ulcer", "decubitus"),
    "bed sores": ("pressure ulcers", "decubitus"),
    "miscarriage": ("spontaneous abortion", "pregnancy loss"),
    "miscarriages": ("spontaneous abortion", "pregnancy loss"),
    "morning sickness": ("nausea and vomiting of pregnancy", "hyperemesis"),
    "collapsed lung": ("pneumothorax",),
    "lung collapse": ("pneumothorax",),
    "water on the brain": ("hydrocephalus",),
    "brain bleed": ("intracranial hemorrhage", "intracerebral hemorrhage"),
    "bleeding in the brain": ("intracranial hemorrhage", "intracerebral hemorrhage"),
    "blood poisoning": ("sepsis", "septicemia"),
    "bowel cancer": ("colorectal cancer",),
    "womb cancer": ("endometrial cancer",),
    "stomach bug": ("gastroenteritis",),
    "stomach flu": ("gastroenteritis",),
    "stomach ulcer": ("peptic ulcer", "gastric ulcer"),
    "athlete's foot": ("tinea pedis",),
    "ringworm": ("tinea",),
    "yeast infection": ("candidiasis",),
    "thrush": ("candidiasis",),
    "bladder infection": ("urinary tract infection", "cystitis"),
    "bladder infections": ("urinary tract infection", "cystitis"),
    "water infection": ("urinary tract infection",),
    "kidney infection": ("pyelonephritis",),
    "flu": ("influenza",),
    "the flu": ("influenza",),
    "glue ear": ("otitis media with effusion", "otitis media"),
    "swine flu": ("H1N1",),
    "bird flu": ("H5N1", "avian influenza"),
    "mad cow disease": ("bovine spongiform encephalopathy",),
    "squint": ("strabismus",),
    "stye": ("hordeolum",),
    "frozen shoulder": ("adhesive capsulitis",),
    "tennis elbow": ("lateral epicondylitis",),
    "shin splints": ("medial tibial stress syndrome",),
    "hay fever": ("allergic rhinitis",),
    "hayfever": ("allergic rhinitis",),
    "cat scratch fever": ("cat scratch disease", "bartonella"),
    "river blindness": ("onchocerciasis",),
    "brain-eating amoeba": ("naegleria",),
    "brain eating amoeba": ("naegleria",),
    "flesh-eating bacteria": ("necrotizing fasciitis", "necrotising fasciitis"),
    "flesh eating bacteria": ("necrotizing fasciitis", "necrotising fasciitis"),
    "sleeping sickness": ("trypanosomiasis",),
    "slapped cheek": ("erythema infectiosum", "fifth disease"),
    "slapped cheek syndrome": ("erythema infectiosum", "fifth disease"),
    "kissing bug": ("triatomine",),
    "mono": ("mononucleosis",),
    "kissing disease": ("mononucleosis",),
    "strep throat": ("streptococcal pharyngitis", "streptococcal infection", "streptococcal"),
    "tongue tie": ("ankyloglossia",),
    "tongue-tie": ("ankyloglossia",),
    "cradle cap": ("seborrheic dermatitis", "seborrhoeic dermatitis"),
    "cot death": ("sudden infant death",),
    "jock itch": ("tinea cruris",),
    "verruca": ("plantar wart", "plantar warts"),
    "pressure sores": ("pressure ulcers", "pressure ulcer"),
    "wisdom teeth": ("third molars", "third molar"),
    "wisdom tooth": ("third molar",),
    # treatments and procedures
    "puffer": ("inhaler",),
    "puffers": ("inhalers", "inhaler"),
    "numbing": ("anesthetic", "anaesthetic"),
    "grommets": ("tympanostomy tubes", "ventilation tubes"),
    "nappy": ("diaper",),
    "nappies": ("diapers", "diaper"),
    "nicotine patch": ("transdermal nicotine",),
    "nicotine patches": ("transdermal nicotine",),
    "water pill": ("diuretic",),
    "fen-phen": ("fenfluramine", "fenfluramine-phentermine", "dexfenfluramine"),  # the 1990s slimming pair
    "water pills": ("diuretics", "diuretic"),
    "swollen veins": ("varices", "varicose veins"),
    "foreskin": ("prepuce", "preputial"),
    "eyesight": ("vision", "visual acuity"),
    "trich": ("trichomoniasis", "trichomonas"),
    "tumble": ("fall",),
    "tumbles": ("falls", "fall"),
    "prem baby": ("preterm infant", "premature infant"),
    "prem babies": ("preterm infants", "premature infants"),
    "chilli pepper": ("capsaicin",),
    "chili pepper": ("capsaicin",),
    "dummy pill": ("placebo",),
    "dummy pills": ("placebo",),
    "sugar pill": ("placebo",),
    "sugar pills": ("placebo",),
    "steroid": ("corticosteroid", "glucocorticoid"),
    "steroids": ("corticosteroids", "corticosteroid", "glucocorticoids"),
    "blood thinner": ("anticoagulant", "anticoagulation"),
    "blood thinners": ("anticoagulants", "anticoagulant", "anticoagulation"),
    "painkiller": ("analgesic",),
    "painkillers": ("analgesics", "analgesic"),
    "anti-sickness": ("antiemetic", "anti-emetic"),
    "anti-nausea": ("antiemetic", "anti-emetic"),
    "all-nighter": ("sleep deprivation",),
    "all-nighters": ("sleep deprivation",),
    "sleeping pill": ("hypnotic",),
    "sleeping pills": ("hypnotics", "hypnotic"),
    "flu shot": ("influenza vaccine", "influenza vaccination"),
    "flu jab": ("influenza vaccine", "influenza vaccination"),
    "jab": ("vaccination", "injection"),
    "jabs": ("vaccination", "injections"),
    "the pill": ("oral contraceptive",),
    "morning after pill": ("emergency contraception",),
    "morning-after pill": ("emergency contraception",),
    "tonsils out": ("tonsillectomy",),
    "gastroscopy": ("esophagogastroduodenoscopy", "upper endoscopy", "upper gastrointestinal endoscopy"),
    "gastroscopies": ("esophagogastroduodenoscopy", "upper endoscopy", "upper gastrointestinal endoscopy"),
    "tonsils removed": ("tonsillectomy",),
    "tonsils taken out": ("tonsillectomy",),
    "adenoids out": ("adenoidectomy",),
    "appendix out": ("appendectomy", "appendicectomy"),
    "appendix removed": ("appendectomy", "appendicectomy"),
    "gallbladder out": ("cholecystectomy",),
    "gallbladder removed": ("cholecystectomy",),
    "womb removed": ("hysterectomy",),
    "egg freezing": ("oocyte cryopreservation", "oocyte vitrification"),
    "weight loss surgery": ("bariatric surgery",),
    "stomach stapling": ("gastric bypass", "bariatric surgery"),
    "keyhole surgery": ("laparoscopic", "laparoscopy"),
    "keyhole": ("laparoscopic", "laparoscopy"),
    "keyhole op": ("laparoscopic", "laparoscopy"),
    "keyhole operation": ("laparoscopic", "laparoscopy"),
    "underactive thyroid": ("hypothyroidism",),
    "underactive thyroids": ("hypothyroidism",),
    "overactive thyroid": ("hyperthyroidism",),
    "overactive thyroids": ("hyperthyroidism",),
    "c-section": ("cesarean", "caesarean"),
    "c section": ("cesarean", "caesarean"),
    "nose job": ("rhinoplasty",),
    "boob job": ("breast augmentation",),
    "tummy tuck": ("abdominoplasty",),
    "tubes tied": ("tubal ligation", "sterilization"),
    # eponyms and instruments named for the procedure
    "whipple": ("pancreaticoduodenectomy", "pancreatoduodenectomy"),
    "whipple procedure": ("pancreaticoduodenectomy", "pancreatoduodenectomy"),
    "whipple operation": ("pancreaticoduodenectomy", "pancreatoduodenectomy"),
    "scalpel": ("cold knife", "cold-knife"),
    # clipped words
    "chemo": ("chemotherapy",),
    "chemort": ("chemoradiotherapy", "chemoradiation"),
    "chemo-rt": ("chemoradiotherapy", "chemoradiation"),
    "physio": ("physiotherapy", "physical therapy"),
    "rehab": ("rehabilitation",),
    "meds": ("medications", "medication"),
    "carbs": ("carbohydrates", "carbohydrate"),
    "bicarb": ("bicarbonate",),
    "vax": ("vaccine", "vaccination"),
    "post-op": ("postoperative", "postoperatively"),
    "pre-op": ("preoperative", "preoperatively"),
    "psych": ("psychiatric",),
    "diabetics": ("diabetes", "diabetic"),
    # substances and people
    "booze": ("alcohol",),
    "laughing gas": ("nitrous oxide",),
    "weed": ("cannabis", "marijuana"),
    "vaping": ("electronic cigarettes", "e-cigarettes"),
    "preemie": ("preterm infant", "premature infant"),
    "preemies": ("preterm infants", "premature infants"),
    "teens": ("adolescents",),
    "teenagers": ("adolescents",),
}


@dataclass(frozen=True)
class LayTerm:
    start: int  # character offsets of the lay term in the question
    end: int
    text: str  # as written
    clinical: tuple[str, ...]  # its clinical names


# lay terms and drug brand names: every everyday name with the names abstracts use instead
OTHER_NAMES: dict[str, tuple[str, ...]] = {**BRAND_NAMES, **ABBREVIATIONS, **LAY_TERMS}


def lay_terms(question: str) -> list[LayTerm]:
    """The lay terms and brand names of ``question``, longest first where they overlap ("tummy ache" before
    "tummy")."""
    found: list[LayTerm] = []
    for match in _pattern().finditer(question):
        found.append(LayTerm(match.start(), match.end(), match.group(0), OTHER_NAMES[_key(match.group(0))]))
    return found


def clinical_names(question: str) -> list[str]:
    """The clinical names of every lay term of ``question``."""
    return [name for term in lay_terms(question) for name in term.clinical]


def with_clinical_names(question: str) -> str:
    """The question followed by the clinical names of its lay terms: what keyword search and the verdict read,
    since abstracts name the molecule and the condition, not the brand or the lay word."""
    return " ".join([question, *clinical_names(question)])


def _key(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    # longest alternatives first, so that the regex prefers "tummy ache" to "tummy"; spaces match any whitespace
    terms = sorted(OTHER_NAMES, key=len, reverse=True)
    body = "|".join(re.escape(t).replace(r"\ ", r"\s+").replace("'", "['’]") for t in terms)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)
