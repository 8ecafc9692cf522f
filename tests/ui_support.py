"""What the web app tests share: a small library they may change, PubMed XML written in code, AppTest helpers.

The shared ``fixture_library`` (conftest) is read-only, so tests that create
collections, save searches or import files use ``ui_library``: a few articles
with the awkward parts real records have (UTF-8 names, a title with
``<script>`` and Markdown, an erratum, DOI and PMC links).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from streamlit.testing.v1 import AppTest

from retrieval.library import Library
from retrieval.library.records import AbstractSection, Article, CommentCorrection, MeshHeading

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 240  # seconds for one script run: the first one loads the embedding model

SCRIPT_TITLE = "<script>window.pwned=1</script> **Bold** claims about [links](http://x.test) & $x$"
SCRIPT_PMID = "92000001"
UI_ARTICLES = [
    Article(
        pmid=SCRIPT_PMID,
        title=SCRIPT_TITLE,
        abstract=[AbstractSection("An abstract with <b>tags</b> and _underscores_ about influenza vaccination.", "")],
        authors=["Müller J", "Ødegård ÅK"],
        journal="Journal of escaping tests",
        year=2020,
        publication_types=["Journal Article"],
        mesh=[MeshHeading("Influenza Vaccines", major=True)],
    ),
    Article(
        pmid="92000002",
        title="Influenza vaccination of older adults and hospital admissions: a randomized trial",
        abstract=[
            AbstractSection(
                "Influenza causes many hospital admissions among older adults.", "BACKGROUND", "BACKGROUND"
            ),
            AbstractSection(
                "High-dose influenza vaccine reduced hospital admissions for pneumonia by 24% compared with the "
                "standard dose in adults aged 65 years or older.",
                "RESULTS",
                "RESULTS",
            ),
        ],
        authors=["Smith JA", "García-López M"],
        journal="The New England journal of medicine",
        journal_abbrev="N Engl J Med",
        year=2019,
        volume="381",
        issue="5",
        pages="421-30",
        doi="10.1056/NEJMoa000002",
        pmcid="PMC7000002",
        publication_types=["Journal Article", "Randomized Controlled Trial"],
        mesh=[
            MeshHeading("Influenza Vaccines", major=True, qualifiers=("administration & dosage",)),
            MeshHeading("Aged"),
        ],
        comments_corrections=[CommentCorrection("ErratumIn", "92000099", "N Engl J Med. 2020;382:100")],
    ),
    Article(
        pmid="92000003",
        title="Hand washing with soap and diarrhoea in children: a cluster randomized trial",
        abstract=[AbstractSection("Hand washing with soap halved diarrhoea episodes in young children.", "", "")],
        journal="Lancet (London, England)",
        year=2005,
        publication_types=["Journal Article", "Randomized Controlled Trial"],
        mesh=[MeshHeading("Hand Disinfection", major=True), MeshHeading("Diarrhea")],
    ),
]


# Thin records as PubMed has many: one without year, type, MeSH or abstract beside one complete record.
THIN_PMID = "95000001"
THIN_ARTICLES = [
    Article(pmid=THIN_PMID, title="Seizures after high-dose tranexamic acid", journal="Journal of tests"),
    Article(
        pmid="95000002",
        title="Tranexamic acid and blood loss in hip replacement: a randomized trial",
        abstract=[AbstractSection("Tranexamic acid reduced blood loss during hip replacement by 30%.", "")],
        journal="Journal of tests",
        year=2019,
        publication_types=["Journal Article", "Randomized Controlled Trial"],
        mesh=[MeshHeading("Tranexamic Acid", major=True)],
    ),
]

_shared: dict[str, Library] = {}


def shared_ui_library(library_factory) -> Library:
    """A small library the web app tests may change (collections, saved searches), built once per session.

    Test modules wrap it in their own ``ui_library`` fixture; tests that change it
    use names of their own, so they do not depend on each other's order.
    """
    if "library" not in _shared:
        _shared["library"] = library_factory(UI_ARTICLES)
    return _shared["library"]


def thin_ui_library(library_factory) -> Library:
    """A read-only library of ``THIN_ARTICLES``, built once per session."""
    if "thin" not in _shared:
        _shared["thin"] = library_factory(THIN_ARTICLES)
    return _shared["thin"]


def app_test(
    monkeypatch, data_dir: Path, page: str | None = None, *, user: dict | None = None, **query_params: str
) -> AppTest:
    """The app after its first run, on ``page`` (e.g. ``"pages/search.py"``), reading the library in ``data_dir``.

    With ``user`` (``{"email": ..., "name": ...}``) it is a team server (sign-in configured) and that
    person is signed in, as ``st.login`` would leave them; ``tests/test_e2e_signin.py`` signs in for real.
    """
    monkeypatch.setenv("MEDLIT_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(query_params)
    if user is not None:
        at.secrets["auth"] = {"client_id": "medlit-test"}
        at.user = {"is_logged_in": True, **user}
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Everything the page shows as text, one element a line (Markdown source as written)."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption") for e in getattr(at, kind)]
    parts += [e.value for kind in ("info", "warning", "error", "success") for e in getattr(at, kind)]
    parts += [e.label for e in at.expander]
    return "\n".join(str(p) for p in parts)


def page_links(at: AppTest) -> list[str]:
    """The pages the page links point to (their URL paths, e.g. ``import_records``)."""
    return [link.proto.page.strip("/") for link in at.page_link]


def pubmed_xml(records: Iterable[dict]) -> bytes:
    """A PubmedArticleSet as NCBI serves it, one ``PubmedArticle`` per dict (pmid, title, abstract, year...)."""
    body = "".join(_pubmed_article(r) for r in records)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" '
        '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n'
        f"<PubmedArticleSet>{body}</PubmedArticleSet>\n"
    ).encode()


def _pubmed_article(r: dict) -> str:
    """One record; a record without ``year``, ``abstract``, ``types`` or ``mesh`` leaves those elements out, as
    PubMed does for in-process records (``types`` defaults to Journal Article, so pass ``[]`` for none)."""
    sections = "".join(
        f'<AbstractText Label="{label}" NlmCategory="{label}">{escape(text)}</AbstractText>'
        if label
        else f"<AbstractText>{escape(text)}</AbstractText>"
        for label, text in r.get("abstract", {}).items()
    )
    authors = "".join(
        f"<Author ValidYN='Y'><LastName>{escape(last)}</LastName><ForeName>{escape(fore)}</ForeName>"
        f"<Initials>{''.join(w[0] for w in fore.split())}</Initials></Author>"
        for last, fore in r.get("authors", [])
    )
    types = "".join(f"<PublicationType>{escape(t)}</PublicationType>" for t in r.get("types", ["Journal Article"]))
    mesh = "".join(
        f'<MeshHeading><DescriptorName MajorTopicYN="{"YN"[i > 0]}">{escape(d)}</DescriptorName></MeshHeading>'
        for i, d in enumerate(r.get("mesh", []))
    )
    year = r.get("year")
    revised = f"<DateRevised><Year>{year + 1}</Year><Month>01</Month><Day>15</Day></DateRevised>" if year else ""
    return f"""
<PubmedArticle><MedlineCitation Status="{"MEDLINE" if year else "In-Process"}" Owner="NLM">
<PMID Version="1">{r["pmid"]}</PMID>
{revised}
<Article PubModel="Print">
<Journal><JournalIssue CitedMedium="Print"><Volume>{r.get("volume", "12")}</Volume><Issue>3</Issue>
<PubDate>{f"<Year>{year}</Year><Month>Mar</Month>" if year else ""}</PubDate></JournalIssue>
<Title>{escape(r.get("journal", "Journal of clinical evidence"))}</Title><ISOAbbreviation>J Clin Evid</ISOAbbreviation>
</Journal>
<ArticleTitle>{escape(r["title"])}</ArticleTitle>
<Pagination><MedlinePgn>101-9</MedlinePgn></Pagination>
<ELocationID EIdType="doi" ValidYN="Y">10.1000/jce.{r["pmid"]}</ELocationID>
{f"<Abstract>{sections}</Abstract>" if sections else ""}
<AuthorList CompleteYN="Y">{authors}</AuthorList>
<Language>eng</Language>
{f"<PublicationTypeList>{types}</PublicationTypeList>" if types else ""}
</Article>
{f"<MeshHeadingList>{mesh}</MeshHeadingList>" if mesh else ""}
</MedlineCitation>
<PubmedData><ArticleIdList><ArticleId IdType="pubmed">{r["pmid"]}</ArticleId></ArticleIdList></PubmedData>
</PubmedArticle>"""


# Ten realistic records on two topics, for import tests (upload, then ask about them).
IMPORT_RECORDS = [
    {
        "pmid": str(93000000 + i),
        "title": title,
        "year": 2010 + i,
        "abstract": {"BACKGROUND": background, "RESULTS": result, "CONCLUSIONS": conclusion},
        "authors": [("Okafor", "Chinwe"), ("Lindqvist", "Björn")],
        "types": ["Journal Article", kind],
        "mesh": mesh,
    }
    for i, (title, background, result, conclusion, kind, mesh) in enumerate(
        [
            (
                "Early goal-directed therapy for septic shock: a randomized trial",
                "Septic shock carries a high mortality.",
                "Ninety-day mortality did not differ between goal-directed therapy and usual care (risk ratio 0.98).",
                "Early goal-directed therapy did not reduce mortality in patients with septic shock.",
                "Randomized Controlled Trial",
                ["Shock, Septic", "Fluid Therapy"],
            ),
            (
                "Procalcitonin-guided antibiotic duration in sepsis",
                "Antibiotic courses in sepsis are often longer than needed.",
                "Procalcitonin guidance shortened antibiotic therapy by two days without increasing mortality.",
                "Procalcitonin-guided stopping rules safely shorten antibiotic treatment in sepsis.",
                "Randomized Controlled Trial",
                ["Sepsis", "Procalcitonin", "Anti-Bacterial Agents"],
            ),
            (
                "Balanced crystalloids versus saline in critically ill adults",
                "Saline may cause hyperchloraemic acidosis and kidney injury.",
                "Balanced crystalloids reduced major adverse kidney events compared with saline (14.3% vs 15.4%).",
                "Balanced crystalloids are preferable to saline for intravenous fluid therapy in the critically ill.",
                "Randomized Controlled Trial",
                ["Crystalloid Solutions", "Critical Illness"],
            ),
            (
                "Hydrocortisone in septic shock: a meta-analysis",
                "The benefit of corticosteroids in septic shock is debated.",
                "Hydrocortisone hastened shock reversal but did not clearly reduce 28-day mortality.",
                "Low-dose hydrocortisone speeds the resolution of septic shock.",
                "Meta-Analysis",
                ["Shock, Septic", "Hydrocortisone"],
            ),
            (
                "Time to antibiotics and mortality in sepsis: a cohort study",
                "Guidelines urge rapid antibiotics in sepsis.",
                "Each hour of delay in giving antibiotics was associated with 4% higher odds of in-hospital death.",
                "Faster antibiotic administration is associated with lower mortality in sepsis.",
                "Observational Study",
                ["Sepsis", "Time-to-Treatment"],
            ),
            (
                "Sleep hygiene education for insomnia in primary care",
                "Insomnia is common in primary care patients.",
                "Sleep hygiene education alone produced small improvements in sleep quality scores.",
                "Sleep hygiene education has modest benefits for insomnia.",
                "Randomized Controlled Trial",
                ["Sleep Initiation and Maintenance Disorders", "Health Education"],
            ),
            (
                "Melatonin for jet lag in airline travellers",
                "Jet lag disturbs sleep after travel across time zones.",
                "Melatonin taken at bedtime reduced jet lag symptoms compared with placebo.",
                "Melatonin is effective for preventing jet lag.",
                "Randomized Controlled Trial",
                ["Melatonin", "Jet Lag Syndrome"],
            ),
            (
                "Screen time before bed and sleep duration in teenagers",
                "Teenagers use phones late in the evening.",
                "Each hour of screen use after 9 pm was associated with 20 minutes less sleep.",
                "Evening screen time is associated with shorter sleep in adolescents.",
                "Observational Study",
                ["Screen Time", "Sleep", "Adolescent"],
            ),
            (
                "Napping and cognitive performance in night-shift nurses",
                "Night-shift work impairs alertness.",
                "A 30-minute nap during the night shift improved reaction times at the end of the shift.",
                "Planned naps improve alertness of nurses working night shifts.",
                "Clinical Trial",
                ["Sleep", "Shift Work Schedule", "Nurses"],
            ),
            (
                "Caffeine and sleep latency in healthy adults",
                "Caffeine is widely consumed in the afternoon.",
                "Caffeine taken six hours before bedtime delayed sleep onset by 40 minutes.",
                "Afternoon caffeine disrupts sleep even hours later.",
                "Clinical Trial",
                ["Caffeine", "Sleep"],
            ),
        ]
    )
]
