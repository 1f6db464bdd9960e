"""REFI-QDA codebooks (.qdc): valid against the standard's schema, lossless for fritekst, open to other programs."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema

from fritekst.codebook import dump_qdc, load_codebook, load_qdc, parse_codebook, parse_qdc, save_qdc
from fritekst.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = xmlschema.XMLSchema(ROOT / "fritekst" / "data" / "refi" / "Codebook.xsd")

# As NVivo writes it: {braced} guids, a schemaLocation, three levels, a Set of its own, colours,
# Norwegian names, a code without a description, a name used twice and a code named like a special.
FOREIGN = """\
<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="urn:QDA-XML:codebook:1.0 http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd" \
origin="NVivo 14.23.0" xmlns="urn:QDA-XML:codebook:1.0">
  <Codes>
    <Code guid="{6F1C2E80-3B1A-4C55-9D7E-0A1B2C3D4E01}" name="Bosetting" isCodable="false" color="#3366CC">
      <Description>Alt om bosetting av flyktninger.</Description>
      <Code guid="{6F1C2E80-3B1A-4C55-9D7E-0A1B2C3D4E02}" name="Bolig og husleie" isCodable="true" color="#F93">
        <Description>
          Mangel på egnede boliger, høy husleie.
        </Description>
        <Code guid="{6F1C2E80-3B1A-4C55-9D7E-0A1B2C3D4E03}" name="Små leiligheter" isCodable="true"/>
      </Code>
      <Code guid="{6F1C2E80-3B1A-4C55-9D7E-0A1B2C3D4E04}" name="Språk og kultur" isCodable="true">
        <Description>Norskopplæring og kulturforskjeller.</Description>
      </Code>
    </Code>
    <Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Skole" isCodable="true" color="#46AA00">
      <Code guid="{6F1C2E80-3B1A-4C55-9D7E-0A1B2C3D4E05}" name="Språk og kultur" isCodable="true"/>
    </Code>
    <Code guid="{6F1C2E80-3B1A-4C55-9D7E-0A1B2C3D4E06}" name="ANNET" isCodable="true" color="#999999"/>
  </Codes>
  <Sets>
    <Set guid="{ECA18D76-2B8B-4F26-BC1D-19ECA19FB3F0}" name="Til rapporten">
      <Description>Koder vi siterer fra.</Description>
      <MemberCode guid="{6F1C2E80-3B1A-4C55-9D7E-0A1B2C3D4E02}"/>
    </Set>
  </Sets>
</CodeBook>
"""


def test_the_imdi_codebook_exports_valid_identical_xml_and_comes_back_equal(tmp_path):
    codebook = load_codebook(ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml")
    xml = dump_qdc(codebook)
    SCHEMA.validate(xml)
    assert xml == dump_qdc(codebook)  # same guids and bytes every time
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"')
    assert 'name="Mangel på boliger" isCodable="true"' in xml and 'name="Ikke svar"' in xml
    assert 'name="Barrierer mot bosetting" isCodable="false"' in xml
    path = save_qdc(codebook, tmp_path / "kodebok.qdc")
    assert path.read_bytes() == xml.encode("utf-8")
    assert load_qdc(path) == codebook


def test_norwegian_text_keywords_extras_and_history_survive_the_round_trip(tmp_path):
    codebook = parse_codebook("""\
name: Bosetting – høsten
version: 4
description: Kodebok for åpne svar.
owner: Kari Nordmann
categories:
  - id: bolig
    label: Mangel på boliger
    keywords: [bolig, leilighet, kommunal bolig, sjøutsikt]
    examples: ["Vi får ikke tak i store nok leiligheter: «umulig»."]
    exclude: Bostøtte.
    color: "#aa0000"
    nvivo_node: 17
  - id: rad
    label: Råd til IMDi
    color: rød
    guid: "{6F1C2E80-3B1A-4C55-9D7E-0A1B2C3D4E09}"
  - id: annet
    label: Andre forhold
  - id: gammel
    label: Gammel kategori
    retired: 3
    merged_into: bolig
changes:
  - version: 3
    date: 2025-01-10
    renamed: {bolig: {from: Bolig, to: Mangel på boliger}}
    merged: {gammel: bolig}
""")
    path = save_qdc(codebook, tmp_path / "kodebok.qdc")
    text = path.read_text(encoding="utf-8")
    SCHEMA.validate(text)
    assert "Mangel på boliger" in text and "&#" not in text  # æøå as characters
    assert 'guid="{6F1C2E80-3B1A-4C55-9D7E-0A1B2C3D4E09}"' in text and 'color="rød"' not in text
    assert 'name="Gammel kategori" isCodable="false"' in text  # retired: kept as history, not for coding
    again = load_qdc(path)
    assert again == codebook
    assert again.category("bolig").keywords == ("bolig", "leilighet", "kommunal bolig", "sjøutsikt")
    assert again.category("rad").color == "rød"  # not a colour the schema takes, so it rode in the block
    assert again.category("rad").model_extra == {"guid": "{6F1C2E80-3B1A-4C55-9D7E-0A1B2C3D4E09}"}
    assert again.category("annet").label == "Andre forhold" and not again.category("annet").special
    assert again.changes == codebook.changes and again.changes[0].renamed["bolig"].from_ == "Bolig"


def test_edits_made_in_another_program_win_and_keep_the_id(tmp_path):
    codebook = parse_codebook("name: Kb\ncategories:\n  - id: bolig\n    label: Bolig\n    keywords: [husleie]\n")
    edited = dump_qdc(codebook).replace('name="Bolig" isCodable="true"', 'name="Boliger" isCodable="true" color="#0A0"')
    again = parse_qdc(edited, str(tmp_path / "Kb.qdc"))
    bolig = again.category("bolig")
    assert (bolig.label, bolig.color, bolig.keywords) == ("Boliger", "#0A0", ("husleie",))
    assert "guid" not in bolig.model_extra  # still fritekst's own guid


def test_a_codebook_from_another_program_imports_with_its_tree_sets_codability_colours_and_guids(tmp_path):
    SCHEMA.validate(FOREIGN)
    path = tmp_path / "nvivo_kodebok.qdc"
    path.write_text(FOREIGN, encoding="utf-8")
    codebook = load_qdc(path)
    assert codebook.name == "nvivo_kodebok"
    rows = [(c.id, c.label, c.parent, c.color) for c in codebook.categories]
    assert rows == [
        ("bosetting", "Bosetting", None, "#3366CC"),
        ("bolig_og_husleie", "Bolig og husleie", "bosetting", "#F93"),
        ("sma_leiligheter", "Små leiligheter", "bolig_og_husleie", None),
        ("sprak_og_kultur", "Språk og kultur", "bosetting", None),
        ("skole", "Skole", None, "#46AA00"),
        ("sprak_og_kultur_2", "Språk og kultur", "skole", None),
        ("annet", "ANNET", None, "#999999"),
        ("ikke_svar", "Ikke svar", None, None),
        ("uklart", "Uklart", None, None),
    ]
    assert codebook.category("annet").special and codebook.category("uklart").special
    assert codebook.category("bolig_og_husleie").description == "Mangel på egnede boliger, høy husleie."
    assert codebook.category("sma_leiligheter").description == ""
    assert codebook.category("sma_leiligheter").model_extra == {"guid": "{6F1C2E80-3B1A-4C55-9D7E-0A1B2C3D4E03}"}
    assert codebook.levels == 3  # the tree is kept as NVivo had it
    assert codebook.reported_as("sma_leiligheter") == "bolig_og_husleie"  # reports keep two levels
    assert codebook.reported_as("bolig_og_husleie") == "bolig_og_husleie"
    assert codebook.category("skole").model_extra["guid"] == "1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294"
    # isCodable as NVivo had it: its parent codes "Bolig og husleie" and "Skole" carry codings, "Bosetting" not
    assert (codebook.category("bolig_og_husleie").codable, codebook.category("bosetting").codable) == (True, None)
    assert [c.id for c in codebook.codable() if not c.special] == [
        "bolig_og_husleie", "sma_leiligheter", "sprak_og_kultur", "skole", "sprak_og_kultur_2",
    ]
    assert [(s.name, s.description, s.codes) for s in codebook.sets] == [
        ("Til rapporten", "Koder vi siterer fra.", ("bolig_og_husleie",))]

    exported = dump_qdc(codebook)
    SCHEMA.validate(exported)
    for number in range(1, 7):
        assert f'guid="{{6F1C2E80-3B1A-4C55-9D7E-0A1B2C3D4E0{number}}}"' in exported
    assert 'guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294"' in exported
    assert 'name="Bolig og husleie" isCodable="true"' in exported and 'name="Skole" isCodable="true"' in exported
    assert '<Set guid="{ECA18D76-2B8B-4F26-BC1D-19ECA19FB3F0}" name="Til rapporten">' in exported
    again = parse_qdc(exported)
    assert again == codebook
    assert [c.id for c in again.categories if c.parent == "bolig_og_husleie"] == ["sma_leiligheter"]


@pytest.mark.parametrize("namespace", ["urn:QDA-XML:codebook:0:4", "urn:QDA-XML:codebook:1:0"])
def test_namespaces_atlas_ti_and_nvivo_for_mac_write_are_read_as_the_standard(namespace, tmp_path):
    path = tmp_path / "atlas.qdc"
    path.write_text(BASE.replace("urn:QDA-XML:codebook:1.0", namespace), encoding="utf-8")
    codebook = load_qdc(path)
    assert [c.label for c in codebook.categories if not c.special] == ["Bolig", "Arbeid"]
    assert codebook.category("bolig").description == "Mangel på boliger."


BASE = """\
<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="QualCoder">
  <Codes>
    <Code guid="0D62985D-B147-5D01-A9B5-CAE5DCD98342" name="Bolig" isCodable="true">
      <Description>Mangel på boliger.</Description>
    </Code>
    <Code guid="DFE5C38E-9449-5959-A1F7-E3D895CFA87F" name="Arbeid" isCodable="true"/>
  </Codes>
</CodeBook>
"""
ARBEID = 'guid="DFE5C38E-9449-5959-A1F7-E3D895CFA87F" name="Arbeid"'
BLOCK = "<Description>Mangel på boliger.</Description>"

BAD = {
    "not xml": ("name: Kodebok\ncategories: []\n", "line 1", "not valid XML (syntax error)"),
    "broken xml": (BASE.replace("</Description>", ""), "line 6", "not valid XML (mismatched tag)"),
    "wrong root": (BASE.replace("<CodeBook", "<Project").replace("</CodeBook", "</Project"), "line 2",
                   "the root element is <Project xmlns="),
    "wrong namespace": (BASE.replace("codebook:1.0", "codebook:0.4"), "line 2", 'xmlns="urn:QDA-XML:codebook:0.4"'),
    "no name": (BASE.replace(' name="Arbeid"', ""), "line 7", "a <Code> has no 'name'"),
    "no guid": (BASE.replace(' guid="DFE5C38E-9449-5959-A1F7-E3D895CFA87F"', ""), "line 7", "has no 'guid'"),
    "invalid guid": (BASE.replace("DFE5C38E-9449", "DFE5C38E9449"), "line 7", "code 'Arbeid' has an invalid guid"),
    "duplicate guid": (BASE.replace("DFE5C38E-9449-5959-A1F7-E3D895CFA87F", "0D62985D-B147-5D01-A9B5-CAE5DCD98342"),
                       "line 7", "duplicate guid 0D62985D-B147-5D01-A9B5-CAE5DCD98342 (first at line 4)"),
    "empty file": ("", "", "the file is empty"),
    "binary file": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00project.qde", "", "binary file"),
    "empty name": (BASE.replace('name="Arbeid"', 'name="  "'), "line 7", "code '  ', label: label is empty"),
    "bad block": (BASE.replace(BLOCK, "<Description>--- fritekst ---\nid: [bolig</Description>"), "line 4",
                  "block in the description is not valid YAML"),
    "bad id in block": (BASE.replace(BLOCK, "<Description>--- fritekst ---\nid: Bolig nå</Description>"), "line 4",
                        "code 'Bolig', id: id 'Bolig nå' must be lower-case"),
    "duplicate id in block": (
        BASE.replace(BLOCK, "<Description>--- fritekst ---\nid: arbeid</Description>").replace(
            f"{ARBEID} isCodable=\"true\"/>", f"{ARBEID} isCodable=\"true\"><Description>\n--- fritekst ---\nid: arbeid"
            "</Description></Code>"),
        "line 8", "duplicate id 'arbeid' (first at line 4)",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_every_malformed_qdc_gives_one_clear_line(case, tmp_path):
    source, where, what = BAD[case]
    path = tmp_path / "kodebok.qdc"
    path.write_bytes(source if isinstance(source, bytes) else source.encode("utf-8"))
    with pytest.raises(InputError) as caught:
        load_qdc(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert where in message and what in message, message


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(InputError, match="codebook file not found"):
        load_qdc(tmp_path / "nei.qdc")


def test_the_cli_exports_and_imports_and_never_replaces_a_file_unasked(tmp_path):
    from typer.testing import CliRunner

    from fritekst.cli import app

    runner, qdc, yaml_out = CliRunner(), tmp_path / "imdi.qdc", tmp_path / "tilbake.yaml"
    codebook = ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml"
    exported = runner.invoke(app, ["codebook", "export", str(codebook), "--out", str(qdc)])
    assert exported.exit_code == 0, exported.output
    SCHEMA.validate(str(qdc))
    imported = runner.invoke(app, ["codebook", "import", str(qdc), "--out", str(yaml_out)])
    assert imported.exit_code == 0, imported.output
    assert load_codebook(yaml_out) == load_codebook(codebook)
    yaml_out.write_text("mitt arbeid", encoding="utf-8")
    refused = runner.invoke(app, ["codebook", "import", str(qdc), "--out", str(yaml_out)])
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert yaml_out.read_text(encoding="utf-8") == "mitt arbeid"
    forced = runner.invoke(app, ["codebook", "import", str(qdc), "--out", str(yaml_out), "--force"])
    assert forced.exit_code == 0 and load_codebook(yaml_out) == load_codebook(codebook)
    broken = runner.invoke(app, ["codebook", "import", str(codebook), "--out", str(tmp_path / "x.yaml")])
    assert broken.exit_code == 2 and broken.stderr.startswith(f"Error: {codebook}") and "\n" not in broken.stderr.strip()
