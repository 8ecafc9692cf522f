"""Shared test fixtures.

``fixture_library`` is one real library (SQLite + FAISS + the real embedding
model) of ``FIXTURE_ARTICLES``, built once per test session: tests read it and
never change it. A test that must change a library builds its own with
``build_library`` (or the ``library_factory`` fixture), which any test, UI check
or benchmark can use with its own articles.

The fixture articles are written to be told apart: seven clinical topics with
four to five structured abstracts each, a spread of publication types and years,
one retracted article and one without abstract.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from ingest.pipeline import ingest
from retrieval.environment import set_process_environment
from retrieval.library import Library
from retrieval.library.collections import Collections
from retrieval.library.records import AbstractSection, Article, CommentCorrection, MeshHeading
from retrieval.settings import Settings

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    """The entry points' process environment; stop with one clear sentence when the shared data is missing.

    The test session is an entry point like ``python -m ingest``. Without the shared
    data beside the project, one sentence says where it should be (not 8 import errors).
    """
    set_process_environment()
    if not SHARED_DATA.is_dir():
        pytest.exit(
            f"The tests read recorded NCBI files and the corpus from {SHARED_DATA}, which does not exist: "
            "put the project folder beside the shared folder.",
            returncode=4,
        )


# ----------------------------------------------------------------------------- helpers
def build_library(
    data_dir: Path, articles: Iterable[Article], collections: dict[str, list[str]] | None = None
) -> Library:
    """A real library in ``data_dir`` holding ``articles`` (embedded and indexed), with optional collections."""
    library = Library(Settings(data_dir=data_dir))
    ingest(library, list(articles), kind="test", source="fixture")
    shelves = Collections(library.store)
    for name, pmids in (collections or {}).items():
        shelves.add(shelves.create(name).id, pmids)
    return library


def structured(
    pmid: str,
    title: str,
    year: int,
    journal: str,
    types: list[str],
    mesh: list[str],
    sections: dict[str, str],
    **extra,
) -> Article:
    """An Article with a structured abstract; ``sections`` maps NLM category (BACKGROUND, RESULTS...) to text."""
    return Article(
        pmid=pmid,
        title=title,
        abstract=[AbstractSection(text, label, label) for label, text in sections.items()],
        journal=journal,
        year=year,
        publication_types=["Journal Article", *types],
        mesh=[MeshHeading(d, major=i == 0) for i, d in enumerate(mesh)],
        language="eng",
        date_revised=f"{year + 1}-01-15",
        **extra,
    )


# ------------------------------------------------------------------- fixture articles
RCT = "Randomized Controlled Trial"
META = "Meta-Analysis"
SR = "Systematic Review"
OBS = "Observational Study"
CASE = "Case Reports"
REVIEW = "Review"
TRIAL = "Clinical Trial"

STATINS = ["91000001", "91000002", "91000003", "91000004", "91000005"]
VITAMIN_D = ["91000011", "91000012", "91000013", "91000014"]
MALARIA = ["91000021", "91000022", "91000023", "91000024"]
MIGRAINE = ["91000031", "91000032", "91000033", "91000034"]
ASTHMA = ["91000041", "91000042", "91000043", "91000044"]
SLEEP = ["91000051", "91000052", "91000053", "91000054"]
HAND_HYGIENE = ["91000061", "91000062", "91000063"]
RETRACTED = "91000071"
NO_ABSTRACT = "91000081"
TOPICS = {
    "statins": STATINS,
    "vitamin d": VITAMIN_D,
    "malaria": MALARIA,
    "migraine": MIGRAINE,
    "asthma": ASTHMA,
    "sleep": SLEEP,
    "hand hygiene": HAND_HYGIENE,
}

FIXTURE_ARTICLES: list[Article] = [
    # --- statins and cardiovascular prevention
    structured(
        "91000001",
        "Rosuvastatin for primary prevention of cardiovascular events in adults with elevated C-reactive protein",
        2008,
        "The New England journal of medicine",
        [RCT, "Multicenter Study"],
        ["Hydroxymethylglutaryl-CoA Reductase Inhibitors", "Cardiovascular Diseases", "C-Reactive Protein"],
        {
            "BACKGROUND": "Inflammation is associated with cardiovascular risk even with normal cholesterol.",
            "METHODS": "We randomly assigned 17,802 apparently healthy adults with LDL cholesterol below 130 mg/dL and"
            " high-sensitivity C-reactive protein of 2.0 mg/L or higher to rosuvastatin 20 mg daily or placebo.",
            "RESULTS": "The trial was stopped early after a median follow-up of 1.9 years. Rosuvastatin reduced LDL"
            " cholesterol by 50% and the rate of the primary end point of myocardial infarction, stroke or"
            " cardiovascular death by 44% (hazard ratio 0.56; 95% CI 0.46 to 0.69).",
            "CONCLUSIONS": "In healthy adults without hyperlipidemia but with elevated C-reactive protein,"
            " rosuvastatin significantly reduced the incidence of major cardiovascular events.",
        },
    ),
    structured(
        "91000002",
        "Statin therapy and major vascular events: a meta-analysis of individual participant data from 27 trials",
        2012,
        "Lancet (London, England)",
        [META, SR],
        ["Hydroxymethylglutaryl-CoA Reductase Inhibitors", "Cardiovascular Diseases", "Risk Assessment"],
        {
            "BACKGROUND": "Statins lower LDL cholesterol, but their benefit in people at low risk of vascular disease"
            " is debated.",
            "METHODS": "We pooled individual participant data from 27 randomised trials of statin therapy including"
            " 174,000 participants grouped by their baseline five-year risk of major vascular events.",
            "RESULTS": "Each 1.0 mmol/L reduction in LDL cholesterol reduced the risk of major vascular events by"
            " about 21% irrespective of age, sex or baseline risk. The proportional reduction was similar in"
            " participants with a five-year risk below 10%.",
            "CONCLUSIONS": "Statins safely reduce heart attacks and strokes even in people at low cardiovascular risk,"
            " and the benefits greatly exceed any known hazards.",
        },
    ),
    structured(
        "91000003",
        "Long-term statin adherence and mortality after myocardial infarction: a nationwide cohort study",
        2016,
        "European heart journal",
        [OBS],
        [
            "Hydroxymethylglutaryl-CoA Reductase Inhibitors",
            "Myocardial Infarction",
            "Medication Adherence",
            "Cohort Studies",
        ],
        {
            "BACKGROUND": "Many patients stop taking statins in the years after a heart attack.",
            "METHODS": "We followed 36,000 survivors of a first myocardial infarction in national registries and"
            " classified statin adherence by pharmacy refills.",
            "RESULTS": "Over a median of 6 years, patients with high adherence had lower all-cause mortality than"
            " those with low adherence (adjusted hazard ratio 0.75). Discontinuation within the first year was"
            " common among older patients.",
            "CONCLUSIONS": "Sustained adherence to statins after myocardial infarction is associated with better"
            " survival, and adherence support should be a priority.",
        },
    ),
    structured(
        "91000004",
        "Severe rhabdomyolysis after combining simvastatin with clarithromycin: a case report",
        2019,
        "BMJ case reports",
        [CASE],
        ["Rhabdomyolysis", "Simvastatin", "Clarithromycin", "Drug Interactions"],
        {
            "BACKGROUND": "Macrolide antibiotics inhibit CYP3A4, the enzyme that clears simvastatin.",
            "CASE PRESENTATION": "A 72-year-old man taking simvastatin 40 mg was prescribed clarithromycin for"
            " pneumonia and presented five days later with muscle pain, dark urine and a creatine kinase of"
            " 48,000 U/L.",
            "CONCLUSIONS": "Clinicians should pause simvastatin during clarithromycin therapy to avoid"
            " life-threatening muscle injury.",
        },
    ),
    structured(
        "91000005",
        "Statin-associated muscle symptoms: mechanisms, diagnosis and management",
        2021,
        "Journal of the American College of Cardiology",
        [REVIEW],
        ["Hydroxymethylglutaryl-CoA Reductase Inhibitors", "Muscular Diseases"],
        {
            "UNASSIGNED": "Muscle symptoms are the most common reason patients give for stopping statins. Blinded"
            " trials show that most muscle complaints on statins also occur on placebo. Rechallenge with a"
            " different statin or a lower dose allows most patients to continue therapy. We review mechanisms,"
            " diagnosis and management of statin-associated muscle symptoms.",
        },
    ),
    # --- vitamin D and fractures / falls
    structured(
        "91000011",
        "Annual high-dose oral vitamin D and falls and fractures in older women: a randomized trial",
        2010,
        "JAMA",
        [RCT],
        ["Vitamin D", "Accidental Falls", "Fractures, Bone", "Aged"],
        {
            "OBJECTIVE": "To test whether a single annual dose of 500,000 IU cholecalciferol reduces falls and"
            " fractures in community-dwelling older women.",
            "METHODS": "2,256 women aged 70 years or older at high risk of fracture were randomized to yearly oral"
            " vitamin D or placebo for 3 to 5 years.",
            "RESULTS": "Women receiving annual high-dose vitamin D had 15% more falls and 26% more fractures than"
            " women receiving placebo, with the excess concentrated in the three months after dosing.",
            "CONCLUSIONS": "Annual high-dose oral cholecalciferol increased the risk of falls and fractures in older"
            " women and should not be used.",
        },
    ),
    structured(
        "91000012",
        "Vitamin D supplementation and fracture prevention in community-dwelling adults: a meta-analysis",
        2018,
        "The lancet. Diabetes & endocrinology",
        [META, SR],
        ["Vitamin D", "Fractures, Bone", "Dietary Supplements", "Bone Density"],
        {
            "BACKGROUND": "Vitamin D supplements are widely taken to protect bone health.",
            "METHODS": "We meta-analysed 81 randomised trials of vitamin D supplementation reporting fractures,"
            " falls or bone mineral density.",
            "RESULTS": "Vitamin D did not reduce total fracture (relative risk 1.00), hip fracture or falls, and had"
            " no clinically relevant effect on bone mineral density.",
            "CONCLUSIONS": "There is little justification for vitamin D supplements to prevent fractures or falls in"
            " adults living in the community.",
        },
    ),
    structured(
        "91000013",
        "Serum 25-hydroxyvitamin D concentration and hip fracture risk in elderly people: a prospective cohort",
        2014,
        "Osteoporosis international",
        [OBS],
        ["Vitamin D", "Hip Fractures", "Prospective Studies", "Aged"],
        {
            "BACKGROUND": "Low vitamin D status is common in elderly people.",
            "METHODS": "We measured serum 25-hydroxyvitamin D in 5,000 adults over 65 and recorded hip fractures over"
            " ten years of follow-up.",
            "RESULTS": "Participants with 25-hydroxyvitamin D below 30 nmol/L had a 1.6-fold higher hip fracture"
            " rate than those above 50 nmol/L after adjustment for age, weight and frailty.",
            "CONCLUSIONS": "Vitamin D deficiency is associated with a higher risk of hip fracture in older adults,"
            " although confounding by frailty cannot be excluded.",
        },
    ),
    structured(
        "91000014",
        "Calcium and vitamin D in nursing home residents to prevent hip fractures",
        2006,
        "Age and ageing",
        [RCT],
        ["Vitamin D", "Calcium", "Hip Fractures", "Nursing Homes"],
        {
            "OBJECTIVE": "To assess calcium with vitamin D for preventing hip fractures in frail institutionalised"
            " elderly people.",
            "METHODS": "3,270 ambulatory women living in nursing homes received calcium 1.2 g plus vitamin D3"
            " 800 IU daily or placebo for 18 months.",
            "RESULTS": "Hip fractures were 43% fewer in the calcium and vitamin D group, and bone density of the"
            " proximal femur increased by 2.7%.",
            "CONCLUSIONS": "Calcium and vitamin D supplements reduce hip fractures among elderly women living in"
            " institutions, who are often deficient.",
        },
    ),
    # --- malaria treatment
    structured(
        "91000021",
        "Artesunate versus quinine for treatment of severe falciparum malaria in African children",
        2010,
        "Lancet (London, England)",
        [RCT, "Multicenter Study"],
        ["Malaria, Falciparum", "Artemisinins", "Quinine", "Child"],
        {
            "BACKGROUND": "Severe malaria kills hundreds of thousands of African children every year.",
            "METHODS": "In nine African countries, 5,425 children with severe falciparum malaria were randomized to"
            " parenteral artesunate or parenteral quinine.",
            "RESULTS": "Mortality was 8.5% with artesunate and 10.9% with quinine, a relative reduction of 22.5%."
            " Post-treatment hypoglycaemia was less frequent with artesunate.",
            "CONCLUSIONS": "Artesunate substantially reduces mortality in African children with severe malaria and"
            " should replace quinine as the treatment of choice.",
        },
    ),
    structured(
        "91000022",
        "Spread of artemisinin resistance in Plasmodium falciparum malaria",
        2014,
        "The New England journal of medicine",
        [OBS, "Multicenter Study"],
        ["Malaria, Falciparum", "Artemisinins", "Drug Resistance", "Plasmodium falciparum"],
        {
            "BACKGROUND": "Artemisinin resistance, seen as slow parasite clearance, emerged in western Cambodia.",
            "METHODS": "We measured parasite clearance half-lives in 1,241 patients treated with artesunate at 15"
            " sites in Asia and Africa and genotyped kelch13 mutations.",
            "RESULTS": "Slow parasite clearance was prevalent in Cambodia, Thailand, Vietnam and Myanmar and was"
            " strongly associated with single mutations in the kelch13 propeller domain. No resistance was found in"
            " Africa.",
            "CONCLUSIONS": "Artemisinin resistance is firmly established in mainland Southeast Asia, and kelch13"
            " mutations are a useful molecular marker for surveillance.",
        },
    ),
    structured(
        "91000023",
        "Efficacy of artemether-lumefantrine for uncomplicated malaria in pregnant women",
        2017,
        "Malaria journal",
        [TRIAL],
        ["Malaria, Falciparum", "Artemether, Lumefantrine Drug Combination", "Pregnancy Complications, Parasitic"],
        {
            "BACKGROUND": "Pregnant women need antimalarial treatment that is both effective and safe.",
            "METHODS": "Women in the second or third trimester with uncomplicated falciparum malaria received"
            " artemether-lumefantrine and were followed for 42 days.",
            "RESULTS": "The PCR-corrected cure rate was 94.8% and no adverse birth outcomes were attributed to"
            " treatment.",
            "CONCLUSIONS": "Artemether-lumefantrine is efficacious and well tolerated for uncomplicated malaria in"
            " later pregnancy.",
        },
    ),
    structured(
        "91000024",
        "Insecticide-treated bed nets and childhood mortality from malaria: a systematic review",
        2018,
        "The Cochrane database of systematic reviews",
        [SR, META],
        ["Insecticide-Treated Bednets", "Malaria", "Child Mortality", "Mosquito Control"],
        {
            "BACKGROUND": "Bed nets treated with insecticide protect sleepers from mosquito bites.",
            "METHODS": "We included 23 randomized trials comparing insecticide-treated nets with untreated nets or"
            " no nets.",
            "RESULTS": "Insecticide-treated nets reduced child mortality from all causes by 17% and uncomplicated"
            " malaria episodes by almost half in areas of stable transmission.",
            "CONCLUSIONS": "Insecticide-treated bed nets are highly effective in reducing childhood mortality and"
            " morbidity from malaria.",
        },
    ),
    # --- migraine prevention
    structured(
        "91000031",
        "Erenumab for episodic migraine prevention: a randomized placebo-controlled trial",
        2017,
        "The New England journal of medicine",
        [RCT],
        ["Migraine Disorders", "Antibodies, Monoclonal, Humanized", "Calcitonin Gene-Related Peptide"],
        {
            "BACKGROUND": "Calcitonin gene-related peptide (CGRP) is involved in migraine pathophysiology.",
            "METHODS": "955 patients with episodic migraine were randomized to monthly subcutaneous erenumab 70 mg,"
            " 140 mg or placebo for 6 months.",
            "RESULTS": "Monthly migraine days fell by 3.2 and 3.7 days with erenumab 70 mg and 140 mg compared with"
            " 1.8 days with placebo. Adverse events were similar to placebo.",
            "CONCLUSIONS": "Erenumab, a monoclonal antibody against the CGRP receptor, significantly reduced the"
            " frequency of migraine headaches.",
        },
    ),
    structured(
        "91000032",
        "Topiramate versus propranolol for prophylaxis of migraine in adolescents",
        2012,
        "Headache",
        [RCT],
        ["Migraine Disorders", "Topiramate", "Propranolol", "Adolescent"],
        {
            "OBJECTIVE": "To compare two established preventive drugs for frequent headaches in teenagers.",
            "METHODS": "120 adolescents with at least four migraine attacks a month received topiramate or"
            " propranolol for 12 weeks.",
            "RESULTS": "Both drugs halved attack frequency; paresthesia and weight loss were more common with"
            " topiramate, fatigue with propranolol.",
            "CONCLUSIONS": "Topiramate and propranolol are similarly effective for preventing migraine in"
            " adolescents and differ mainly in side effects.",
        },
    ),
    structured(
        "91000033",
        "Aerobic exercise as a preventive treatment for migraine: a pilot study",
        2015,
        "Cephalalgia",
        [TRIAL],
        ["Migraine Disorders", "Exercise Therapy"],
        {
            "BACKGROUND": "Patients often ask for non-drug ways to prevent migraine attacks.",
            "METHODS": "Forty patients with migraine cycled indoors for 40 minutes three times a week for 12 weeks.",
            "RESULTS": "Attack frequency decreased from 4.1 to 2.9 per month, and no patient reported exercise"
            " triggering an attack.",
            "CONCLUSIONS": "Regular aerobic exercise may reduce migraine frequency and is a reasonable option for"
            " patients who prefer to avoid preventive drugs.",
        },
    ),
    structured(
        "91000034",
        "Medication overuse headache in patients with chronic migraine: a cross-sectional survey",
        2020,
        "The journal of headache and pain",
        [OBS],
        ["Headache Disorders, Secondary", "Migraine Disorders", "Analgesics", "Cross-Sectional Studies"],
        {
            "BACKGROUND": "Frequent use of acute pain medication can worsen headache.",
            "METHODS": "We surveyed 2,100 patients with chronic migraine attending 12 headache clinics.",
            "RESULTS": "Medication overuse was present in 41% of patients, most often with combination analgesics"
            " and triptans.",
            "CONCLUSIONS": "Medication overuse is common in chronic migraine and should be screened for routinely.",
        },
    ),
    # --- childhood asthma
    structured(
        "91000041",
        "Inhaled budesonide in children with mild persistent asthma and adult height",
        2012,
        "The New England journal of medicine",
        [RCT, "Multicenter Study"],
        ["Asthma", "Budesonide", "Body Height", "Child", "Glucocorticoids"],
        {
            "BACKGROUND": "Inhaled glucocorticoids slow growth in children in the first years of use.",
            "METHODS": "We measured the adult height of 943 participants of a trial in which children aged 5 to 13"
            " years with asthma had received budesonide, nedocromil or placebo for 4 to 6 years.",
            "RESULTS": "Mean adult height was 1.2 cm lower in the budesonide group than in the placebo group, a"
            " deficit established in the first two years of treatment.",
            "CONCLUSIONS": "Initial use of inhaled corticosteroids in prepubertal children was associated with a"
            " persistent reduction of about 1 cm in adult height.",
        },
    ),
    structured(
        "91000042",
        "School-based asthma education and emergency visits in inner-city children",
        2009,
        "Pediatrics",
        [RCT],
        ["Asthma", "Health Education", "Schools", "Emergency Service, Hospital", "Child"],
        {
            "OBJECTIVE": "To test whether teaching asthma self-management at school reduces urgent care.",
            "METHODS": "Thirty elementary schools were randomized to a six-session asthma education program or usual"
            " care.",
            "RESULTS": "Children in intervention schools had 35% fewer emergency department visits for asthma and"
            " better inhaler technique after one year.",
            "CONCLUSIONS": "School-based self-management education reduces emergency visits among children with"
            " asthma.",
        },
    ),
    structured(
        "91000043",
        "Traffic-related air pollution and the onset of asthma in children: a birth cohort",
        2015,
        "Environmental health perspectives",
        [OBS],
        ["Asthma", "Air Pollution", "Vehicle Emissions", "Cohort Studies", "Child"],
        {
            "BACKGROUND": "Whether air pollution causes new asthma, rather than only worsening it, is uncertain.",
            "METHODS": "We followed 4,000 children from birth to age 12, estimating nitrogen dioxide exposure at"
            " their home addresses.",
            "RESULTS": "Each 10 microgram per cubic metre increase in nitrogen dioxide was associated with a 14%"
            " higher incidence of asthma.",
            "CONCLUSIONS": "Exposure to traffic pollution in childhood is associated with developing asthma.",
        },
    ),
    structured(
        "91000044",
        "Montelukast versus inhaled fluticasone as first-line controller therapy in pediatric asthma",
        2011,
        "The Journal of pediatrics",
        [RCT],
        ["Asthma", "Leukotriene Antagonists", "Fluticasone", "Child"],
        {
            "OBJECTIVE": "To compare a leukotriene receptor antagonist with an inhaled corticosteroid as the first"
            " controller drug.",
            "METHODS": "400 children aged 6 to 14 years with persistent asthma received montelukast tablets or"
            " inhaled fluticasone for 12 months.",
            "RESULTS": "Fluticasone gave more asthma-free days and fewer exacerbations requiring oral steroids than"
            " montelukast.",
            "CONCLUSIONS": "Inhaled fluticasone is more effective than montelukast as first-line controller therapy"
            " in children with persistent asthma.",
        },
    ),
    # --- sleep
    structured(
        "91000051",
        "Effects of one night of total sleep deprivation on working memory in healthy adults",
        2013,
        "Sleep",
        [TRIAL],
        ["Sleep Deprivation", "Memory, Short-Term", "Cognition"],
        {
            "BACKGROUND": "Lost sleep is thought to impair attention and memory.",
            "METHODS": "Sixty volunteers were kept awake for 36 hours or slept normally, then completed working"
            " memory and vigilance tests.",
            "RESULTS": "After a night without sleep, working memory accuracy fell by 12% and attention lapses tripled.",
            "CONCLUSIONS": "A single night of sleep deprivation markedly impairs working memory and vigilance.",
        },
    ),
    structured(
        "91000052",
        "Night shift work and risk of type 2 diabetes in nurses",
        2016,
        "Diabetes care",
        [OBS],
        ["Shift Work Schedule", "Diabetes Mellitus, Type 2", "Nurses", "Cohort Studies"],
        {
            "BACKGROUND": "Shift work disrupts circadian rhythms and sleep.",
            "METHODS": "We followed 140,000 female nurses for 22 years and recorded years of rotating night shift"
            " work.",
            "RESULTS": "Each five years of rotating night shifts was associated with a 5% higher risk of type 2"
            " diabetes, partly explained by weight gain.",
            "CONCLUSIONS": "Long durations of night shift work are associated with a modestly increased risk of"
            " type 2 diabetes.",
        },
    ),
    structured(
        "91000053",
        "Cognitive behavioural therapy for chronic insomnia: a meta-analysis",
        2015,
        "Annals of internal medicine",
        [META, SR],
        ["Sleep Initiation and Maintenance Disorders", "Cognitive Behavioral Therapy"],
        {
            "BACKGROUND": "Insomnia is common and often treated with hypnotic drugs.",
            "METHODS": "We pooled 20 randomized trials of cognitive behavioural therapy for insomnia in adults.",
            "RESULTS": "Therapy shortened sleep onset by 19 minutes and improved sleep efficiency by 10%, with"
            " benefits lasting at follow-up.",
            "CONCLUSIONS": "Cognitive behavioural therapy is an effective first-line treatment for chronic insomnia.",
        },
    ),
    structured(
        "91000054",
        "Short sleep duration and obesity in adolescents",
        2019,
        "Sleep medicine",
        [OBS],
        ["Sleep", "Pediatric Obesity", "Adolescent", "Cross-Sectional Studies"],
        {
            "BACKGROUND": "Teenagers sleep less than recommended.",
            "METHODS": "Sleep duration was measured by actigraphy in 1,500 adolescents and related to body mass index.",
            "RESULTS": "Adolescents sleeping less than 7 hours had twice the odds of obesity compared with those"
            " sleeping 9 hours or more.",
            "CONCLUSIONS": "Short sleep is associated with obesity in adolescents.",
        },
    ),
    # --- hand hygiene
    structured(
        "91000061",
        "Alcohol-based hand rub and hospital-acquired infections: a stepped-wedge trial",
        2011,
        "Clinical infectious diseases",
        [RCT],
        ["Hand Hygiene", "Cross Infection", "Hand Disinfection", "Ethanol"],
        {
            "BACKGROUND": "Health care workers often skip hand washing.",
            "METHODS": "Wards of six hospitals introduced bedside alcohol-based hand rub in a random order.",
            "RESULTS": "Hand hygiene compliance rose from 48% to 66% and hospital-acquired infections fell by 30%.",
            "CONCLUSIONS": "Bedside alcohol hand rub improves compliance and reduces infections acquired in hospital.",
        },
    ),
    structured(
        "91000062",
        "Hand hygiene compliance among physicians and nurses: an observational study",
        2014,
        "Infection control and hospital epidemiology",
        [OBS],
        ["Hand Hygiene", "Guideline Adherence", "Physicians", "Nurses"],
        {
            "BACKGROUND": "Compliance with hand hygiene guidelines is rarely measured directly.",
            "METHODS": "Trained observers recorded 12,000 hand hygiene opportunities in intensive care units.",
            "RESULTS": "Compliance was 42% among physicians and 61% among nurses and was lowest before aseptic"
            " procedures.",
            "CONCLUSIONS": "Physicians comply with hand hygiene less often than nurses.",
        },
    ),
    structured(
        "91000063",
        "Chlorhexidine bathing to prevent bloodstream infections in intensive care",
        2013,
        "The New England journal of medicine",
        [RCT],
        ["Chlorhexidine", "Cross Infection", "Bacteremia", "Intensive Care Units"],
        {
            "BACKGROUND": "Bloodstream infections acquired in hospital are often caused by skin bacteria.",
            "METHODS": "Nine intensive care units were randomized to daily chlorhexidine washcloth bathing or soap"
            " and water.",
            "RESULTS": "Chlorhexidine bathing reduced hospital-acquired bloodstream infections by 28%.",
            "CONCLUSIONS": "Daily bathing with chlorhexidine reduces bloodstream infections in intensive care.",
        },
    ),
    # --- a retracted article (on the migraine topic) and an article without abstract
    structured(
        RETRACTED,
        "Intravenous magnesium cures chronic migraine in a randomized trial",
        2018,
        "Journal of fabricated results",
        [RCT, "Retracted Publication"],
        ["Migraine Disorders", "Magnesium"],
        {
            "METHODS": "Patients with chronic migraine received intravenous magnesium weekly or saline.",
            "RESULTS": "Migraine frequency fell to zero in 95% of patients receiving magnesium.",
            "CONCLUSIONS": "Intravenous magnesium cures chronic migraine.",
        },
        comments_corrections=[CommentCorrection("RetractionIn", "91000072", "J Fabric Res. 2019")],
    ),
    Article(
        pmid=NO_ABSTRACT,
        title="Hospital pharmacy staffing in rural hospitals",
        journal="American journal of health-system pharmacy",
        year=2004,
        publication_types=["Letter"],
        mesh=[MeshHeading("Pharmacy Service, Hospital")],
        date_revised="2005-01-01",
    ),
]

FIXTURE_COLLECTIONS = {"asthma reading": ASTHMA[:3], "mixed": [STATINS[0], MALARIA[0]]}


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def library_factory(tmp_path_factory) -> Callable[..., Library]:
    """Build a fresh real library from Articles: ``library_factory(articles, collections=None)``."""

    def make(articles: Iterable[Article], collections: dict[str, list[str]] | None = None) -> Library:
        return build_library(tmp_path_factory.mktemp("library"), articles, collections)

    return make


@pytest.fixture(scope="session")
def fixture_library(library_factory) -> Library:
    """The shared read-only library of FIXTURE_ARTICLES (with FIXTURE_COLLECTIONS)."""
    return library_factory(FIXTURE_ARTICLES, FIXTURE_COLLECTIONS)
