"""Entity training command line: a fixed step count (and with it training on BC5CDR dev), a fixed dictionary share."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHARED_DATA

from retrieval.library.entities import train

RAW = SHARED_DATA / "raw"


class Stop(Exception):
    pass


def test_training_on_bc5cdr_dev_needs_a_fixed_step_count(tmp_path: Path):
    with pytest.raises(SystemExit):
        train.main(["--raw", str(RAW), "--out", str(tmp_path), "--sources", "bc5cdr:train,bc5cdr:dev"])


def test_max_steps_reaches_spacy_and_asks_for_the_last_pipeline(tmp_path: Path, monkeypatch):
    seen = {}

    def fake_train_ner(raw, out, sources, overrides, max_minutes, fixed_steps):
        seen.update(sources=sources, overrides=overrides, fixed_steps=fixed_steps)
        raise Stop

    monkeypatch.setattr(train, "train_ner", fake_train_ner)
    with pytest.raises(Stop):
        train.main(
            ["--raw", str(RAW), "--out", str(tmp_path), "--sources", "bc5cdr:train,bc5cdr:dev", "--max-steps", "7"]
        )
    assert seen == {
        "sources": ["bc5cdr:train", "bc5cdr:dev"],
        "overrides": {"training.max_steps": 7},
        "fixed_steps": True,
    }


@pytest.mark.parametrize(("fixed_steps", "kept"), [(True, "model-last"), (False, "model-best")])
def test_a_fixed_step_count_keeps_the_last_pipeline_not_the_best_on_dev(
    tmp_path: Path, monkeypatch, fixed_steps: bool, kept: str
):
    def fake_spacy_train(config, output_path, overrides, use_gpu):
        for name in ("model-last", "model-best"):
            (output_path / name).mkdir(parents=True)
            (output_path / name / "which").write_text(name)

    monkeypatch.setattr("spacy.cli.train.train", fake_spacy_train)
    monkeypatch.setattr(train, "to_docbin", lambda *args: {})
    stats = train.train_ner(RAW, tmp_path / "ner", ["bc5cdr:train"], {}, 1.0, fixed_steps)
    assert (tmp_path / "ner" / "which").read_text() == kept
    assert stats["kept"] == kept
    assert stats["stopped_by"] == "max_epochs"


def test_min_share_fixes_the_dictionary_share_instead_of_choosing_it_on_dev(tmp_path: Path, monkeypatch):
    seen = {}

    def fake_fit_dictionary(raw, out, min_share):
        seen["min_share"] = min_share
        raise Stop

    monkeypatch.setattr(train, "fit_dictionary", fake_fit_dictionary)
    with pytest.raises(Stop):
        train.main(["--raw", str(RAW), "--out", str(tmp_path), "--skip-ner", "--min-share", "0.5"])
    assert seen == {"min_share": 0.5}
