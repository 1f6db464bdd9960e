"""REFI-QDA projects (.qdpx): fritekst's export is valid, read right by another implementation
(pyqdpx) and comes back whole; other programs' projects import with a report of what did not map."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from fritekst.errors import InputError
from fritekst.refi import export_project, import_project, read_project
from fritekst.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = etree.XMLSchema(etree.parse(str(ROOT / "fritekst" / "data" / "refi" / "Project.xsd")))


def _code_as_people_do(store):
    """Two coders code a few of the run's segments (the second, the last, not the first)."""
    segments = store.segments()
    ids = segments["segment_id"].tolist()
    version = store.codebook().version
    store.add_codings(ids[1:4], "bolig", "Kari Nordmann", version, memo="Godt sitat om «boliger»", quote_candidate=True)
    store.add_codings([ids[2]], "tolk", "Per Ås", version, extra_codes=["bolig"])
    store.add_codings([ids[-1]], "tolk", "Per Ås", version)
    store.add_codings([ids[-1]], "nav", "Per Ås", version)  # changed their mind: only "nav" is current
    return segments


def _people(store):
    codings = store.current_codings()
    codings = codings[codings["coder"] != "model"]
    return sorted(zip(codings["question"], codings["id"].astype(str), codings["segment"], codings["text"],
                      codings["code_id"], codings["coder"], codings["extra_codes"].fillna(""),
                      codings["memo"].fillna(""), codings["quote_candidate"], codings["created_at"]))


def test_the_example_project_goes_out_valid_and_comes_back_with_everything(example_store_url, tmp_path):
    with open_store(example_store_url) as store:
        segments = _code_as_people_do(store)
        summary = export_project(store, tmp_path / "prosjekt.qdpx")
        answers, codebook, people = store.answers(), store.codebook(), _people(store)
    assert (summary.sources, summary.codings, summary.users) == (len(answers), 6, 2)  # one per code
    assert summary.selections == len(segments)
    with zipfile.ZipFile(tmp_path / "prosjekt.qdpx") as archive:
        qde = archive.read("project.qde")
        assert len([n for n in archive.namelist() if n.startswith("Sources/")]) == len(answers)
    SCHEMA.assertValid(etree.fromstring(qde))
    assert "æ".encode() in qde and b"&#" not in qde  # Norwegian letters as letters

    with open_store(tmp_path / "ny") as new:
        report = import_project(tmp_path / "prosjekt.qdpx", new)
        assert (report.answers, report.codings, report.unmapped) == (len(answers), 6, {})
        assert set(report.users) == {"Kari Nordmann", "Per Ås"}
        again = new.answers()
        columns = [c for c in answers.columns if c not in ("survey", "answer_id", "respondent_id")]
        assert again[columns].astype(str).values.tolist() == answers[columns].astype(str).values.tolist()
        assert new.codebook() == codebook
        assert _people(new) == people
        segments_again = new.segments()
        assert segments_again["text"].tolist() == segments["text"].tolist()
        assert (segments_again["theme_id"] == -1).all()
        repeat = import_project(tmp_path / "prosjekt.qdpx", new)  # the same file again changes nothing
        assert repeat.already_imported and len(new.codings()) == len(people)


def test_our_export_is_read_right_by_pyqdpx(example_project, tmp_path):
    from pyqdpx import QDPX

    with open_store(example_project) as store:
        _code_as_people_do(store)
        export_project(store, tmp_path / "prosjekt.qdpx")
        answers, codebook = store.answers(), store.codebook()
        expected = {(row.text, row.code_id) for row in store.current_codings().itertuples() if row.coder != "model"}
    project = QDPX(str(tmp_path / "prosjekt.qdpx")).get_project()
    assert {user.name for user in project.users.values()} == {"Kari Nordmann", "Per Ås"}
    labels = {code.name for code in project.codes.values()}
    assert {c.label for c in codebook.categories} <= labels
    assert len(project.sources) == len(answers)
    texts = sorted(source.text_content for source in project.sources.values())
    assert texts == sorted(answers["text"].fillna(""))
    label_of = {c.label: c.id for c in codebook.with_special_categories().categories}
    # pyqdpx reads a selection's first coding: the coder's own code, with the exact text it covers
    read = {(selection.text, label_of[selection.code.name])
            for source in project.sources.values() for selection in source.coded_selections.values()}
    assert read <= expected and len(read) == 4  # the three Kari coded, and the last, Per's


def _qdpx(path: Path, qde: str, sources: dict[str, str], *, folder: str = "Sources") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        for name, text in sources.items():
            archive.writestr(f"{folder}/{name}", text.encode("utf-8-sig"))
    return path


# As NVivo for Windows writes a project: lower-case guids, text in Sources/<guid>.txt with a
# byte-order mark and CRLF, positions in UTF-16 units (the emoji counts two), four levels, a parent
# code carrying codings, codings by two users under one selection, a PDF, a case with variables.
TEXT = "Intervju med Åse 🙂\r\nVi mangler boliger.\r\nTolk er vanskelig å få."
NVIVO = """\
<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" name="Bosetting" origin="NVivo for Windows 12.6" \
xmlns="urn:QDA-XML:project:1.0">
  <Users>
    <User guid="29518289-d0e3-447b-b7dd-ae1d8cd880a0" name="Gunnhild" />
    <User guid="eaac2cd0-f7f0-415a-abdd-ae1d8f6762de" name="model" />
  </Users>
  <CodeBook><Codes>
    <Code guid="5067d381-1dc9-4816-81dd-ae1dbfea2ad7" name="Bosetting" isCodable="true">
      <Description>Alt om bosetting</Description>
      <Code guid="7142c1bf-1bbe-4073-88dd-ae1dbfec9f8f" name="Bolig" isCodable="true">
        <Code guid="fd96ca71-e3fe-46b2-92dd-ae1dbfed137b" name="Leie" isCodable="true">
          <Code guid="9dfe9815-44e3-4922-bedd-ae1dbfed8b5c" name="Kommunal leie" isCodable="true" />
        </Code>
      </Code>
    </Code>
    <Code guid="e8811e5d-feb6-458a-b0dd-ae1dbfef84b8" name="Tolk" isCodable="true" />
  </Codes></CodeBook>
  <Variables>
    <Variable guid="23addb4a-77ef-4a7f-92dd-ae1dbff020e9" name="Kommune" typeOfVariable="Text" />
  </Variables>
  <Cases>
    <Case guid="2e048330-52ec-470d-a2dd-ae1dbff06f63" name="Åse">
      <VariableValue><VariableRef targetGUID="23addb4a-77ef-4a7f-92dd-ae1dbff020e9" />\
<TextValue>Tromsø</TextValue></VariableValue>
      <SourceRef targetGUID="68bbdc14-c361-4432-b4dd-ae1dbfc12890" />
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="68bbdc14-c361-4432-b4dd-ae1dbfc12890" name="intervju_1" \
richTextPath="internal://68bbdc14-c361-4432-b4dd-ae1dbfc12890.docx" \
plainTextPath="internal://68bbdc14-c361-4432-b4dd-ae1dbfc12890.txt">
      <Description />
      <PlainTextSelection guid="7154a758-6873-4134-badd-ae1dc04d3086" name="" startPosition="21" endPosition="40" \
creatingUser="29518289-d0e3-447b-b7dd-ae1d8cd880a0" creationDateTime="2025-06-18T02:08:15Z">
        <Description />
        <Coding guid="da50c6de-cd58-40da-a7e3-be4b82d7f00c" creatingUser="29518289-d0e3-447b-b7dd-ae1d8cd880a0" \
creationDateTime="2025-06-18T02:06:50Z"><CodeRef targetGUID="5067d381-1dc9-4816-81dd-ae1dbfea2ad7" /></Coding>
        <Coding guid="a8f5ed5e-0d07-4818-89c3-19c4d1fed821" creatingUser="29518289-d0e3-447b-b7dd-ae1d8cd880a0" \
creationDateTime="2025-06-18T02:07:50Z"><CodeRef targetGUID="9dfe9815-44e3-4922-bedd-ae1dbfed8b5c" /></Coding>
        <Coding guid="ce116280-6f1f-4eca-bd9c-c0b9a9438417" creatingUser="eaac2cd0-f7f0-415a-abdd-ae1d8f6762de" \
creationDateTime="2025-06-19T10:00:00Z"><CodeRef targetGUID="e8811e5d-feb6-458a-b0dd-ae1dbfef84b8" /></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="6dcb4546-d316-45a0-b5dd-ae1dc074c056" name="" startPosition="42" endPosition="65">
        <Coding guid="0c8c8b44-5570-4c1d-82dd-ae1dbff4f6b0" creatingUser="29518289-d0e3-447b-b7dd-ae1d8cd880a0">\
<CodeRef targetGUID="e8811e5d-feb6-458a-b0dd-ae1dbfef84b8" /></Coding>
        <Coding guid="ab910eb7-1178-4236-a6dd-ae1dbff607f9"><CodeRef targetGUID="be5dac45-0b45-484b-82dd-ae1dbff5b5d6" />\
</Coding>
      </PlainTextSelection>
    </TextSource>
    <PDFSource guid="ab32b6b8-9931-4435-90dd-ae1dbff480f3" name="rapport.pdf" path="internal://rapport.pdf">
      <PDFSelection guid="dd59e6ba-7282-454a-aedd-ae1dbff56935" page="1" firstX="0" firstY="0" secondX="9" secondY="9">
        <Coding guid="4bcedc29-07dc-43f4-9add-ae1dbff69b4e"><CodeRef targetGUID="e8811e5d-feb6-458a-b0dd-ae1dbfef84b8" />\
</Coding>
      </PDFSelection>
    </PDFSource>
  </Sources>
</Project>
"""


def test_an_nvivo_project_imports_its_tree_texts_cases_and_codings_and_reports_the_rest(tmp_path):
    SCHEMA.assertValid(etree.fromstring(NVIVO.encode()))
    path = _qdpx(tmp_path / "nvivo.qdpx", NVIVO, {"68bbdc14-c361-4432-b4dd-ae1dbfc12890.txt": TEXT})
    with open_store(tmp_path / "prosjekt") as store:
        report = import_project(path, store)
        assert (report.origin, report.codes_in_file, report.codes, report.levels) == ("NVivo for Windows 12.6", 5, 5, 4)
        assert (report.sources, report.answers, report.codings_in_file, report.codings) == (1, 1, 6, 4)
        assert report.unmapped == {"PDFSource (not text)": 1, "codings on sources that are not text": 1,
                                   "codings of codes the codebook lacks": 1}
        codebook = store.codebook()
        assert codebook.levels == 4 and codebook.category("kommunal_leie").parent == "leie"
        assert codebook.reported_as("kommunal_leie") == "bolig"
        assert codebook.category("bosetting").codable  # NVivo's parent codes carry codings
        answers = store.answers()
        assert answers[["id", "question", "text", "Kommune"]].values.tolist() == [["Åse", "dokument", TEXT, "Tromsø"]]
        people = store.current_codings().sort_values(["segment", "coder"])
        rows = list(zip(people["text"], people["coder"], people["code_id"], people["extra_codes"].fillna(""),
                        people["created_at"].str[:19]))
        assert rows == [
            ("Vi mangler boliger.", "Gunnhild", "bosetting", "kommunal_leie", "2025-06-18T02:07:50"),
            ("Vi mangler boliger.", "model (importert)", "tolk", "", "2025-06-19T10:00:00"),
            ("Tolk er vanskelig å få.", "Gunnhild", "tolk", "", rows[2][4]),
        ]


def test_a_qc_project_with_lower_case_sources_and_atlas_namespaces_imports(tmp_path):
    qde = NVIVO.replace("urn:QDA-XML:project:1.0", "urn:QDA-XML:project:1:0").replace(
        'origin="NVivo for Windows 12.6"', 'origin="ATLAS.ti 23"').replace(
        'plainTextPath="internal://68bbdc14-c361-4432-b4dd-ae1dbfc12890.txt"', 'plainTextPath="intervju_1.txt"').replace(
        'startPosition="21" endPosition="40"', 'startPosition="20" endPosition="39"').replace(
        'startPosition="42" endPosition="65"', 'startPosition="41" endPosition="64"')
    text = TEXT.replace("🙂", "☺")  # ATLAS.ti counts characters, NVivo UTF-16 units: one less here
    path = _qdpx(tmp_path / "atlas.qdpx", qde, {"intervju_1.txt": text}, folder="sources")
    project = read_project(path)
    selections = project.sources[0].selections
    assert [text[s.start:s.end] for s in selections] == ["Vi mangler boliger.", "Tolk er vanskelig å få."]


# As QualCoder 3.6 writes a project: a byte-order mark before the XML declaration, categories as
# codes that are not codable, the date on the selection and only the user on the coding, the
# selected text repeated in the selection's name, the texts under Sources/ with a byte-order mark.
QUALCODER = """\ufeff<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
name="bolig.qda" origin="QualCoder 3.6" creatingUserGUID="2f67dfa3-3788-4e87-b4c3-0888a1d598d1" \
creationDateTime="2025-03-01T16:47:05Z" xmlns="urn:QDA-XML:project:1.0">
<Users>
<User guid="41814102-64dd-43f4-8dbe-c6c5b707ef4b" name="kari" />
</Users>
<CodeBook>
<Codes>
<Code guid="632875a2-a727-4633-ba16-3f5ef59aeba9" name="Bolig" isCodable="false">
<Code guid="f7aba982-d3ac-41c9-8309-a9e583c2e3bd" name="Leie" isCodable="true" color="#6D91C6" />
<Code guid="3e1345e3-6b60-4110-ac55-40a5e2f83b15" name="Eie" isCodable="true" color="#3D6CB3" />
</Code>
</Codes>
</CodeBook>
<Sources>
<TextSource richTextPath="internal://4745b243-8a44-4ddd-81cf-1e1473cfa956.docx" \
plainTextPath="internal://ad0d76fe-8121-4dcb-8374-787634eb1cc3.txt" creatingUser="41814102-64dd-43f4-8dbe-c6c5b707ef4b" \
creationDateTime="2021-09-20T22:41:05Z" guid="4cd18e2a-f809-488b-841c-13eaa0bd2f82" name="intervju_2">
<PlainTextSelection guid="e60b000a-bd6a-44bd-a51f-6387c5793933" startPosition="15" endPosition="36" \
name="Vi leier av kommunen." creatingUser="41814102-64dd-43f4-8dbe-c6c5b707ef4b" creationDateTime="2021-12-30T19:22:19Z">
<Coding guid="fa6266e8-5891-4981-b6c4-e80b47b9ddb2" creatingUser="41814102-64dd-43f4-8dbe-c6c5b707ef4b" >
<CodeRef targetGUID="f7aba982-d3ac-41c9-8309-a9e583c2e3bd" />
</Coding>
</PlainTextSelection>
</TextSource>
</Sources>
</Project>
"""


def test_a_qualcoder_project_with_a_byte_order_mark_and_dates_on_selections_imports(tmp_path):
    text = "Hvem er dere?\n«Vi leier av kommunen.» Det går greit."
    path = tmp_path / "qualcoder.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", QUALCODER.encode("utf-8"))  # the mark before <?xml, as QualCoder 3.6 wrote it
        archive.writestr("Sources/4745b243-8a44-4ddd-81cf-1e1473cfa956.docx", b"PK not read")
        archive.writestr("Sources/ad0d76fe-8121-4dcb-8374-787634eb1cc3.txt", text.encode("utf-8-sig"))
    with open_store(tmp_path / "prosjekt") as store:
        report = import_project(path, store)
        assert (report.origin, report.codes_in_file, report.levels, report.codings, report.unmapped) == (
            "QualCoder 3.6", 3, 2, 1, {})
        assert not store.codebook().category("bolig").codable and store.codebook().category("leie").parent == "bolig"
        coded = store.current_codings()
        assert coded[["text", "code_id", "coder"]].values.tolist() == [["Vi leier av kommunen.", "leie", "kari"]]
        assert coded["created_at"].iloc[0].startswith("2021-12-30T19:22:19")  # the selection's date


def test_an_atlas_project_whose_qde_is_named_after_the_project_imports(tmp_path):
    """ATLAS.ti 26 names the XML after the project ("Trial.qde"), not project.qde as the standard says."""
    path = tmp_path / "Project.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Trial.qde", NVIVO.replace('origin="NVivo for Windows 12.6"', 'origin="ATLAS.ti 26.1.2"'))
        archive.writestr("sources/68bbdc14-c361-4432-b4dd-ae1dbfc12890.txt", TEXT.replace("🙂", "☺").encode())
    project = read_project(path)
    assert project.origin == "ATLAS.ti 26.1.2" and project.sources[0].text.startswith("Intervju med Åse")


def test_a_real_atlas_export_without_its_files_reports_each_kind_it_could_not_map(tmp_path):
    """ATLAS.ti 8.4's REFI standard project (tests/data/refi/README.md): Project.qde capitalised,
    upper-case guids, its texts and media left out of the archive."""
    path = ROOT / "tests" / "data" / "refi" / "atlas_8_4_standard_project.qdpx"
    with open_store(tmp_path / "prosjekt") as store:
        report = import_project(path, store)
        assert (report.codes_in_file, report.codes, report.levels, report.answers, report.codings_in_file) == (
            14, 14, 1, 0, 16)
        assert report.unmapped == {
            "text sources whose file is missing from the archive": 6, "codings on sources without text": 7,
            "PictureSource (not text)": 1, "PDFSource (not text)": 2, "AudioSource (not text)": 1,
            "VideoSource (not text)": 2, "codings on sources that are not text": 9, "Graphs": 1, "Links": 1}
        assert "Coke::diet Coke" in {c.label for c in store.codebook().categories}


def test_every_damaged_or_hostile_project_gives_one_clear_line(tmp_path):
    cases = {}
    cases["not a zip"] = (b"PK\x03\x04 damaged", "damaged")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hei")
    cases["no project.qde"] = (buffer.getvalue(), "holds no project.qde")
    cases["doctype"] = (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa">]><Project name="x"/>', "<!DOCTYPE>")
    cases["codebook, not project"] = (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>',
                                     "not a REFI-QDA project")
    for name, (data, expected) in cases.items():
        path = tmp_path / f"{name}.qdpx"
        path.write_bytes(data)
        with pytest.raises(InputError) as caught:
            read_project(path)
        assert str(caught.value).startswith(f"{path}: ") and expected in str(caught.value), (name, caught.value)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    from fritekst.refi import _archive

    path = _qdpx(tmp_path / "stor.qdpx", NVIVO, {"a.txt": "x" * 5000, "b.txt": "y"})
    monkeypatch.setattr(_archive, "MAX_UNPACKED_BYTES", 4000)
    with pytest.raises(InputError, match="would unpack to"):
        read_project(path)
    monkeypatch.setattr(_archive, "MAX_MEMBERS", 2)
    with pytest.raises(InputError, match="holds 3 files, over the limit of 2"):
        read_project(path)


def test_a_refused_import_leaves_the_store_as_it_was(tmp_path):
    qde = NVIVO.replace('name="Gunnhild"', 'name="Gunn\u200bhild"')  # an invisible character in a name
    path = _qdpx(tmp_path / "nvivo.qdpx", qde, {"68bbdc14-c361-4432-b4dd-ae1dbfc12890.txt": TEXT})
    with open_store(tmp_path / "prosjekt") as store:
        with pytest.raises(InputError, match="control or invisible"):
            import_project(path, store)
        assert store.answers().empty and store.runs().empty


def test_the_cli_exports_a_project_and_imports_it_into_a_new_one(example_project, tmp_path):
    from typer.testing import CliRunner

    from fritekst.cli import app

    runner, qdpx = CliRunner(), tmp_path / "prosjekt.qdpx"
    nothing = runner.invoke(app, ["export", "--db", str(example_project)])
    assert nothing.exit_code == 2 and "--qdpx FILE" in nothing.stderr
    exported = runner.invoke(app, ["export", "--db", str(example_project), "--qdpx", str(qdpx)])
    assert exported.exit_code == 0, exported.output
    SCHEMA.assertValid(etree.fromstring(zipfile.ZipFile(qdpx).read("project.qde")))
    imported = runner.invoke(app, ["import", str(qdpx), "--db", str(tmp_path / "ny")])
    assert imported.exit_code == 0, imported.output
    assert "534 texts" in imported.stdout
    with open_store(tmp_path / "ny") as new, open_store(example_project) as old:
        assert len(new.answers()) == len(old.answers()) and new.codebook() == old.codebook()
    broken = tmp_path / "ødelagt.qdpx"
    broken.write_bytes(b"PK\x03\x04 nei")
    refused = runner.invoke(app, ["import", str(broken), "--db", str(tmp_path / "tom")])
    assert refused.exit_code == 2 and refused.stderr.startswith(f"Error: {broken}")
    assert not (tmp_path / "tom").exists()  # nothing made for a file that could not be read


def test_export_refuses_to_replace_a_qdpx_unless_forced(example_project, tmp_path):
    from typer.testing import CliRunner

    from fritekst.cli import app

    runner, qdpx, out = CliRunner(), tmp_path / "prosjekt.qdpx", tmp_path / "kjøring"
    qdpx.write_bytes(b"analytikerens eget prosjekt")
    refused = runner.invoke(app, ["export", "--db", str(example_project), "--qdpx", str(qdpx), "--out", str(out)])
    assert refused.exit_code == 2 and f"{qdpx}: exists already" in refused.stderr and "--force" in refused.stderr
    assert qdpx.read_bytes() == b"analytikerens eget prosjekt" and not out.exists()  # nothing written at all
    forced = runner.invoke(app, ["export", "--db", str(example_project), "--qdpx", str(qdpx), "--force"])
    assert forced.exit_code == 0, forced.output
    SCHEMA.assertValid(etree.fromstring(zipfile.ZipFile(qdpx).read("project.qde")))


@pytest.mark.parametrize("page", ["overview", "codebook"])
def test_the_overview_and_codebook_pages_offer_the_project_as_qdpx(example_project, page):
    from test_app_acts_on_what_is_shown import app

    at = app(example_project, page)
    at.button(key=f"qdpx_prepare_{page}").click().run()
    assert not at.exception, at.exception
    labels = [button.proto.label for button in at.get("download_button")]
    assert "Last ned prosjekt.qdpx" in labels
