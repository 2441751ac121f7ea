"""Bad input for enrichment, in the enrich layer and through `marketdesk analyze` and
`marketdesk entities`: empty text (no entities, no error), enormous text (bounded time, cut at
MAX_CHARS with a note; an input over extraction's size limit or a line over the entities
limit refused with a message while the run goes on), and text in another language (said so,
what can be found still found)."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from spacy.language import Language

from marketdesk.cli import main
from marketdesk.cli.output import Console
from marketdesk.enrich import CUT_NOTE, MAX_CHARS, NOT_ENGLISH_NOTE, enrich, enrich_many
from marketdesk.enrich.language import guess_language
from marketdesk.model import Article, Page

GERMAN = (
    "Die Europäische Zentralbank hat am Donnerstag in Frankfurt die Zinsen gesenkt. "
    "Präsidentin Christine Lagarde sagte, die Inflation sei nicht mehr so hoch wie im Vorjahr "
    "und die Wirtschaft in Deutschland habe sich auch stabilisiert."
)
ENGLISH = "The Federal Reserve held rates on Wednesday, and Jerome Powell said it was patient."


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("MARKETDESK_CONFIG", str(config))
    monkeypatch.setenv("MARKETDESK_DB", str(tmp_path / "desk.db"))


def run(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, console=Console(out, err, io.BytesIO(stdin)))
    return code, out.getvalue(), err.getvalue()


def page(*paragraphs: str, title: str | None = None, language: str | None = None) -> Page:
    return Page("t", "text", Article(title=title, paragraphs=paragraphs, language=language))


# -- the enrich layer -------------------------------------------------------------------------


def test_empty_text_has_no_entities_and_no_error(nlp: Language) -> None:
    for empty in (page(), page(""), page("   \n\n  "), page(title="")):
        found = enrich(empty, nlp)
        assert found.entities == () and found.notes == ()
    assert [a.entities for a in enrich_many([page(), page(ENGLISH), page()], nlp)][1]


def test_enormous_text_is_cut_with_a_note_in_bounded_time(nlp: Language) -> None:
    filler = "Markets were quiet as traders in London waited for the data. " * 200
    paragraphs = tuple(filler for _ in range(100))  # 1.2 MB, twelve times MAX_CHARS
    assert sum(map(len, paragraphs)) > 10 * MAX_CHARS
    t = time.perf_counter()
    found = enrich(page(*paragraphs), nlp)
    assert time.perf_counter() - t < 60  # MAX_CHARS of text, whatever the input's length
    assert CUT_NOTE in found.notes
    assert all(m.end <= MAX_CHARS for e in found.entities for m in e.mentions)
    assert enrich(page(ENGLISH), nlp).notes == ()


def test_another_language_is_said_and_read_anyway(nlp: Language) -> None:
    found = enrich(page(GERMAN), nlp)
    assert found.language == "de" and NOT_ENGLISH_NOTE in found.notes
    assert any(e.name == "Frankfurt" for e in found.entities)  # what can be found still is
    # The page's own language (extraction's) wins over the guess.
    assert enrich(page(GERMAN, language="fr"), nlp).language == "fr"
    english = enrich(page(ENGLISH), nlp)
    assert english.language == "en" and english.notes == ()


def test_the_language_guess() -> None:
    assert guess_language(ENGLISH) == "en"
    assert guess_language(GERMAN) == "de"
    assert guess_language("Le gouvernement a dit que les impôts ne seront pas relevés.") == "fr"
    assert guess_language("El banco central dijo que la inflación de los precios es alta.") == "es"
    assert guess_language("Tokyo") is None and guess_language("") is None
    assert guess_language("word " * 10_000_000) is None  # reads a bounded sample


# -- the commands -----------------------------------------------------------------------------


def test_entities_command_on_empty_and_foreign_texts(nlp: Language) -> None:
    lines = "".join(
        json.dumps(r) + "\n"
        for r in ({"id": 1, "text": ""}, {"id": 2, "text": GERMAN}, {"id": 3, "text": ENGLISH})
    )
    code, out, err = run(["entities"], lines.encode())
    empty, german, english = (json.loads(line) for line in out.splitlines())
    assert code == 0 and err == ""
    assert empty == {"id": 1, "entities": []}
    assert german["language"] == "de" and german["notes"] == [NOT_ENGLISH_NOTE]
    assert any(s["text"] == "Frankfurt" for s in german["entities"])
    assert "language" not in english and "notes" not in english  # English lines as before


def test_entities_command_a_50_mb_line_is_refused_and_the_run_goes_on(nlp: Language) -> None:
    huge = json.dumps({"id": "big", "text": "Tokyo trade. " * 4_000_000}) + "\n"  # 52 MB
    rest = json.dumps({"id": "next", "text": "In Peru."}) + "\n"
    t = time.perf_counter()
    code, out, err = run(["entities"], (huge + rest).encode())
    assert time.perf_counter() - t < 60
    big, after = (json.loads(line) for line in out.splitlines())
    assert big["id"] is None and "error" in big and "line" in big
    assert after["id"] == "next" and [s["text"] for s in after["entities"]] == ["Peru"]
    assert code == 1 and "Traceback" not in err


def test_analyze_a_long_file_is_cut_with_a_note(nlp: Language, tmp_path: Path) -> None:
    long = tmp_path / "long.txt"
    para = "Shares of Toyota rose in Tokyo as the yen weakened against the dollar again today. "
    # Each paragraph its own (numbered first): extraction drops a paragraph said twice.
    paragraphs = [f"Part {i}. " + para * 20 for i in range(150)]
    long.write_text("Toyota rallies\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    assert long.stat().st_size > 2 * MAX_CHARS
    t = time.perf_counter()
    code, out, err = run(["analyze", str(long)])
    assert time.perf_counter() - t < 120
    (line,) = (json.loads(x) for x in out.splitlines())
    assert code == 0, err
    assert CUT_NOTE in line["notes"] and line["language"] == "en"
    assert any(e["name"].startswith("Toyota") for e in line["entities"])


def test_analyze_a_50_mb_file_is_refused_with_a_message(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("w", encoding="utf-8") as f:
        for _ in range(50):
            f.write("Tokyo trade talks went on. " * 40_000 + "\n\n")  # 1 MB a round
    t = time.perf_counter()
    code, out, err = run(["analyze", str(huge)])
    assert time.perf_counter() - t < 30
    (line,) = (json.loads(x) for x in out.splitlines())
    assert code == 1 and "limit" in line["error"] and "Traceback" not in err


def test_analyze_a_page_in_another_language(nlp: Language, tmp_path: Path) -> None:
    file = tmp_path / "de.txt"
    file.write_text("Zinsen sinken\n\n" + GERMAN + "\n\n" + GERMAN, encoding="utf-8")
    code, out, err = run(["analyze", str(file)])
    (line,) = (json.loads(x) for x in out.splitlines())
    assert code == 0, err
    assert line["language"] == "de" and NOT_ENGLISH_NOTE in line["notes"]
