"""The spaCy pipeline: pinned files checked before loading, one parse per unit."""

from __future__ import annotations

import pytest

from factcheck.analysis import nlp


def test_each_unit_is_parsed_alone_with_offsets_into_its_text() -> None:
    units = ["Maria Lopez said 300 homes burned in Dover.", "Thank you."]
    docs = nlp.parse(units)
    assert [d.text for d in docs] == units
    assert ("Dover", "GPE") in [(e.text, e.label_) for e in docs[0].ents]
    assert nlp.load() is nlp.load()  # loaded once per process


def test_a_changed_pipeline_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "SHA256", {**nlp.SHA256, "ner/model": "0" * 64})
    nlp.load.cache_clear()
    try:
        with pytest.raises(nlp.ModelError, match=r"ner/model: sha256 .* differs from the pinned"):
            nlp.load()
    finally:
        monkeypatch.undo()
        nlp.load.cache_clear()
    assert nlp.parse(["It works again."])[0].text == "It works again."


def test_a_missing_pipeline_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "PACKAGE", "no_such_pipeline_package")
    with pytest.raises(nlp.ModelError, match="not installed"):
        nlp.model_dir()
