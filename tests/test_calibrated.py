"""Calibrated values are read for the library's own vectors: its own fit first, the shipped default else, never a
fit made on other vectors."""

from __future__ import annotations

import json

import pytest

from retrieval.answers.abstention import load_rule
from retrieval.answers.calibrated import (
    ABSTENTION_RULE,
    DEFAULTS_DIR,
    SUPPORT_THRESHOLD,
    CalibrationError,
    library_file,
    load_calibrated,
)


def test_the_shipped_defaults_name_the_vectors_they_were_fitted_on():
    for name in (ABSTENTION_RULE, SUPPORT_THRESHOLD):
        data = json.loads((DEFAULTS_DIR / name).read_text())
        assert data["embedding_model"] == "all-MiniLM-L6-v2" and data["embedding_backend"] == "torch-int8"


def test_a_library_fit_takes_precedence_over_the_default(tmp_path):
    default = load_calibrated(SUPPORT_THRESHOLD, tmp_path, "all-MiniLM-L6-v2", "torch-int8")
    own = library_file(tmp_path, SUPPORT_THRESHOLD)
    own.parent.mkdir()
    own.write_text(json.dumps({**default, "cosine": 0.123}))
    assert load_calibrated(SUPPORT_THRESHOLD, tmp_path, "all-MiniLM-L6-v2", "torch-int8")["cosine"] == 0.123


def test_other_vectors_get_one_sentence_naming_both_and_the_command(tmp_path):
    with pytest.raises(CalibrationError) as caught:
        load_calibrated(ABSTENTION_RULE, tmp_path, "all-MiniLM-L6-v2", "torch")
    message = str(caught.value)
    assert "fitted on all-MiniLM-L6-v2 (torch-int8)" in message and "holds all-MiniLM-L6-v2 (torch)" in message
    assert "`python -m retrieval calibrate`" in message and message.count(".") == 1


def test_ask_reads_the_rule_of_the_library(fixture_library):
    rule = load_rule(fixture_library)
    assert (rule.embedding_model, rule.embedding_backend) == fixture_library.vectors
