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


# --- hostile or broken uploads -------------------------------------------------------------------

# A "billion laughs" in YAML: 571 bytes whose aliases, nested eight deep, expand to 10^8 list items.
LAUGHS = "name: x\ncategories: &l0 [{id: a, label: lol}]\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 9)
)


def _cli(*args):
    from typer.testing import CliRunner

    from fritekst.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def test_yaml_anchors_and_aliases_are_refused_before_anything_is_expanded(tmp_path):
    assert len(LAUGHS.encode()) < 1024
    path = tmp_path / "latter.yaml"
    path.write_text(LAUGHS, encoding="utf-8")
    with pytest.raises(InputError) as caught:  # expanded first, it would take gigabytes and minutes
        load_codebook(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: line 2: ") and "\n" not in message
    assert "anchors and aliases" in message
    exported = _cli("codebook", "export", path, "--out", tmp_path / "ut.qdc")
    assert exported.exit_code == 2 and exported.stderr.count("\n") == 1
    assert exported.stderr.startswith(f"Error: {path}: line 2: ") and not (tmp_path / "ut.qdc").exists()
    # a lone alias and a merge key are refused too, where they stand
    merge = GOOD + "  - &b {id: jobb, label: Jobb}\n  - {<<: *b, id: jobb2}\n"
    with pytest.raises(InputError, match="line 15: .*anchors and aliases"):
        parse_codebook(merge, "kodebok.yaml")


def test_a_codebook_written_by_fritekst_never_holds_an_anchor():
    """Shared values in a codebook must be written out in full, or our own reader would refuse them."""
    shared = ("bolig", "leilighet")
    codebook = parse_codebook(GOOD)
    bolig = codebook.category("bolig").model_copy(update={"keywords": shared, "synonyms": list(shared)})
    again = codebook.model_copy(update={"categories": (codebook.category("barrierer"), bolig,
                                                       bolig.model_copy(update={"id": "bolig2"})),
                                        "tags": [shared, shared]})
    from fritekst.codebook import dump_codebook

    text = dump_codebook(again)
    assert "&" not in text and "*" not in text
    assert parse_codebook(text).category("bolig2").keywords == shared


def test_uploaded_bytes_become_a_codebook_or_one_clear_line(tmp_path):
    from fritekst.codebook import MAX_CODEBOOK_BYTES, dump_qdc, read_codebook_bytes

    assert read_codebook_bytes(GOOD.encode("utf-8-sig"), "kodebok.yaml") == parse_codebook(GOOD)
    assert read_codebook_bytes(dump_qdc(parse_codebook(GOOD)).encode(), "kodebok.QDC") == parse_codebook(GOOD)
    cases = {
        "latin-1": (GOOD.replace("–", "-").encode("latin-1"), "kodebok.yaml", "line 1: the codebook is not UTF-8"),
        "laughs": (LAUGHS.encode(), "latter.yml", "line 2: YAML anchors and aliases"),
        "too big": (b"#" * (MAX_CODEBOOK_BYTES + 1), "stor.yaml", "over the limit of 2 MB"),
        "other type": (b"x", "kodebok.docx", "not a codebook file"),
        "qdc block aliases": (dump_qdc(parse_codebook(GOOD)).replace(
            "id: barrierer\n", "id: barrierer\nl0: &amp;l0 [lol]\nl1: [*l0, *l0]\n").encode(), "kodebok.qdc",
            "line 4: the '--- fritekst ---' block in the description: YAML anchors and aliases"),
        "qdc entities": (b'<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY a "lol">]>'
                         b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', "kodebok.qdc", "line 1: "),
    }
    for case, (data, name, words) in cases.items():
        with pytest.raises(InputError) as caught:
            read_codebook_bytes(data, name)
        message = str(caught.value)
        assert message.startswith(f"{name}: ") and words in message and "\n" not in message, (case, message)
