"""Codebook YAML: a round trip, special categories, and one clear line for every kind of mistake."""

from __future__ import annotations

import pytest

from fritekst.codebook import load_codebook, parse_codebook, save_codebook
from fritekst.errors import InputError

GOOD = """\
name: Kommuneundersøkelsen – åpne svar
version: 3
language: nb
categories:
  - id: barrierer
    label: Barrierer mot bosetting
  - id: bolig
    label: Mangel på boliger
    description: Svar som peker på at det mangler egnede boliger.
    keywords: [bolig, leilighet, husleie]
    examples: ["Vi finner ikke nok egnede boliger til familiene."]
    exclude: Boligsosialt arbeid uten mangel på boliger.
    parent: barrierer
    nvivo_colour: "#aa0000"
"""


def test_a_good_codebook_round_trips_with_special_categories(tmp_path):
    codebook = parse_codebook(GOOD)
    assert codebook.ids == ["barrierer", "bolig", "ikke_svar", "annet", "uklart"]
    assert codebook.category("bolig").keywords == ("bolig", "leilighet", "husleie")
    assert [c.id for c in codebook.codable()] == ["bolig", "ikke_svar", "annet", "uklart"]
    saved = save_codebook(codebook, tmp_path / "kb.yaml")
    assert "åpne svar" in saved.read_text(encoding="utf-8")
    assert "ikke_svar" not in saved.read_text(encoding="utf-8")  # specials are implied, not written
    again = load_codebook(saved)
    assert again == codebook
    assert again.category("bolig").model_extra == {"nvivo_colour": "#aa0000"}  # fields we do not know survive


def test_a_codebook_may_override_a_special_category():
    codebook = parse_codebook(GOOD + "  - id: annet\n    label: Andre forhold\n")
    assert codebook.category("annet").label == "Andre forhold"
    assert codebook.ids.count("annet") == 1


BAD = {
    "yaml syntax": (GOOD.replace("label: Mangel på boliger", "label: [Mangel"), "line 9", "not valid YAML"),
    "duplicate id": (GOOD + "  - id: bolig\n    label: Bolig igjen\n", "line 15", "duplicate id 'bolig' (first at line 7)"),
    "unknown parent": (GOOD.replace("parent: barrierer", "parent: barierer"), "line 13", "unknown parent 'barierer'"),
    "cycle": (
        GOOD.replace("    label: Barrierer mot bosetting\n", "    label: Barrierer mot bosetting\n    parent: bolig\n"),
        "line", "cycle",
    ),
    "empty label": (GOOD.replace("label: Mangel på boliger", "label: '  '"), "line 8", "label is empty"),
    "missing label": (GOOD.replace("    label: Mangel på boliger\n", ""), "line 7", "categories.1.label: Field required"),
    "bad id": (GOOD.replace("id: bolig", "id: Bolig mangel"), "line 7", "must be lower-case"),
    "three levels": (
        GOOD + "  - id: leie\n    label: Husleie\n    parent: bolig\n", "line 17", "three levels deep",
    ),
    "not a mapping": ("- bolig\n- jobb\n", "line 1", "mapping"),
    "no categories": ("name: Tom\n", "line 1", "categories: Field required"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_every_malformed_codebook_gives_one_clear_line(case, tmp_path):
    source, where, what = BAD[case]
    path = tmp_path / "kodebok.yaml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_codebook(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert where in message and what in message, message


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(InputError, match="codebook file not found"):
        load_codebook(tmp_path / "nei.yaml")


def test_the_shipped_imdi_codebook_is_valid_and_complete():
    from pathlib import Path

    codebook = load_codebook(Path(__file__).resolve().parents[1] / "codebooks" / "imdi_kommuneundersokelsen.yaml")
    own = [c for c in codebook.codable() if not c.special]
    assert len(own) >= 20
    for category in own:
        assert category.parent and category.description and len(category.keywords) >= 3
        assert len(category.examples) == 1, category.id
    assert {"bolig", "tolk", "nav", "frivillig_sektor", "tilskudd", "mangfold_ansatte"} <= set(codebook.ids)
