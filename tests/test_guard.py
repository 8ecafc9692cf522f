"""The patient-data guard: what it finds, what it leaves alone, its JSON-lines interface and its measured rates."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bench.guard import DEFAULT_FILE, evaluate, load
from retrieval.cli import run_guard
from retrieval.errors import UserError
from retrieval.guard import IdentifiersFound, check, redact, require_clean

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Mrs. Dorothy Walsh has a hip fracture", "PERSON", "Dorothy Walsh"),
        ("Dr. Patel asked about ivabradine", "PERSON", "Patel"),
        ("my patient Kwame Mensah has sickle cell disease", "PERSON", "Kwame Mensah"),
        ("Pt. Hernandez, Luis is on dialysis", "PERSON", "Hernandez, Luis"),
        ("Sarah's HbA1c is 9.1", "PERSON", "Sarah"),
        ("DOB 03/14/1952, CKD 4", "DATE", "03/14/1952"),
        ("born 1931-07-22 in Leeds", "DATE", "1931-07-22"),
        ("admitted on Jan 5, 2023 with sepsis", "DATE", "Jan 5, 2023"),
        ("seizure on 14th February 2025", "DATE", "14th February 2025"),
        ("born in March 1950, now has CKD", "DATE", "March 1950"),
        ("a 94-year-old woman", "AGE", "94-year-old"),
        ("92 yo F with UTIs", "AGE", "92 yo"),
        ("the patient, aged 97, has AS", "AGE", "aged 97"),
        ("Ninety-six-year-old man", "AGE", "Ninety-six-year-old"),
        ("MRN 00482913 with heart failure", "MEDICAL_RECORD_NUMBER", "00482913"),
        ("Chart # 88-19-2203: Kawasaki disease", "MEDICAL_RECORD_NUMBER", "88-19-2203"),
        ("call (617) 555-0143 today", "PHONE_NUMBER", "(617) 555-0143"),
        ("tel +44 20 7946 0958", "PHONE_NUMBER", "+44 20 7946 0958"),
        ("write to jsmith.md@stmarys-hospital.org", "EMAIL_ADDRESS", "jsmith.md@stmarys-hospital.org"),
        ("lives at 42 Elm Street, Springfield", "STREET_ADDRESS", "42 Elm Street"),
        ("Leeds LS6 2AB", "STREET_ADDRESS", "LS6 2AB"),
        ("SSN 123-45-6789 on file", "ID_NUMBER", "123-45-6789"),
        ("Passport number K1234567", "ID_NUMBER", "K1234567"),
    ],
)
def test_finds_each_kind_of_identifier(text: str, kind: str, found: str) -> None:
    result = check(text)
    assert (kind, found) in [(i.type, i.text) for i in result.identifiers]
    identifier = next(i for i in result.identifiers if i.text == found)
    assert text[identifier.start : identifier.end] == found
    assert found not in result.redacted and f"<{kind}>" in result.redacted


@pytest.mark.parametrize(
    "text",
    [
        "Does metformin 500 mg twice daily reduce cardiovascular mortality?",
        "Outcomes of hip fracture surgery in patients aged 90 years and older",
        "Is Parkinson disease associated with appendectomy?",
        "Crohn's disease: early infliximab or step-up therapy?",
        "Risk of Stevens-Johnson syndrome with allopurinol in HLA-B*58:01 carriers",
        "Does CYP2C19 genotype change the effect of clopidogrel? (NCT01206062, rs4244285)",
        "the heart rate is 95 and BP 120/80",
        "trials published since March 2020 on ketamine",
        'aspirin AND stroke AND ("2020/01/01"[dp] : "2021/12/31"[dp])',
        "aspirin AND 2019/01/01:2020/12/31[pdat]",
        "PMID 31452104 and 28375731",
        "Are Medicare patients over 65 more likely to get imaging?",
    ],
)
def test_leaves_clean_clinical_questions_alone(text: str) -> None:
    assert check(text).identifiers == []
    assert redact(text) == text


def test_redacted_text_passes_the_guard_and_the_refusal_never_quotes_identifiers() -> None:
    text = "Mrs. Fatima Al-Sayed, MRN 30041177, DOB 02/02/1930: is she too old for a pacemaker?"
    result = check(text)
    assert result.redacted == "Mrs. <PERSON>, MRN <MEDICAL_RECORD_NUMBER>, DOB <DATE>: is she too old for a pacemaker?"
    assert require_clean(result.redacted, "NCBI", "use --send-redacted") == result.redacted
    with pytest.raises(IdentifiersFound) as raised:
        require_clean(text, "NCBI", "use --send-redacted")
    message = str(raised.value)
    assert "a person's name" in message and "medical record number" in message and "--send-redacted" in message
    for identifier in result.identifiers:
        assert identifier.text not in message
    assert isinstance(raised.value, UserError)  # every page and CLI shows a UserError as one sentence


def test_json_lines_interface_pairs_every_input_line() -> None:
    lines = [
        json.dumps({"id": 1, "text": "Mr. Harold Jenkins, 94-year-old, MRN 1234567"}),
        "",
        "not json",
        json.dumps({"id": "b", "text": "Does metformin help?"}),
    ]
    out = io.StringIO()
    run_guard(io.StringIO("\n".join(lines) + "\n"), out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 3
    assert rows[0]["id"] == 1
    assert [(i["type"], i["text"]) for i in rows[0]["identifiers"]] == [
        ("PERSON", "Harold Jenkins"),
        ("AGE", "94-year-old"),
        ("MEDICAL_RECORD_NUMBER", "1234567"),
    ]
    assert rows[0]["identifiers"][0]["start"] == 4 and rows[0]["identifiers"][0]["end"] == 18
    assert rows[0]["redacted"] == "Mr. <PERSON>, <AGE>, MRN <MEDICAL_RECORD_NUMBER>"
    assert rows[1]["id"] is None and "line 3" in rows[1]["error"]
    assert rows[2] == {"id": "b", "identifiers": [], "redacted": "Does metformin help?"}


def test_python_m_retrieval_guard_runs_offline() -> None:
    """The command as users run it; no network is needed (no spaCy model, no suffix list download)."""
    done = subprocess.run(
        [sys.executable, "-m", "retrieval", "guard"],
        input=json.dumps({"id": "x", "text": "Call 718-555-0199 about Jose Ramirez"}) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "no_proxy": "*", "https_proxy": "http://127.0.0.1:9"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    row = json.loads(done.stdout)
    assert {i["type"] for i in row["identifiers"]} == {"PHONE_NUMBER", "PERSON"}


def test_test_split_meets_the_targets() -> None:
    """At least 100 questions, half with identifiers; on the test split >= 95% caught and <= 5% of clean flagged."""
    every = load(DEFAULT_FILE, "all")
    assert len(every) >= 100
    assert sum(bool(r["identifiers"]) for r in every) >= len(every) // 2 - 10
    assert {r["split"] for r in every} == {"dev", "test"}
    figures = evaluate(load(DEFAULT_FILE, "test"))
    assert figures["recall"] >= 0.95, figures["misses"]
    assert figures["false_positive_rate"] <= 0.05, figures["misses"]


def test_a_local_search_gets_the_redacted_text_without_placeholders_and_no_log_gets_the_identifiers(caplog):
    with caplog.at_level(logging.DEBUG):
        found = check("Mrs. Dorothy Walsh, born 03/14/1931: statins after myocardial infarction")
    assert found.redacted == "Mrs. <PERSON>, born <DATE>: statins after myocardial infarction"
    assert found.searchable == "Mrs., born: statins after myocardial infarction"
    assert "Dorothy" not in caplog.text and "1931" not in caplog.text
