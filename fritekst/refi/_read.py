"""A REFI-QDA project (.qdpx / project.qde) read into plain data: what fritekst can use, and a
count of what it cannot (pictures, PDFs, audio, video, selections that are no text).

Programs differ within the standard, and the reader takes each as it writes: NVivo counts
positions in UTF-16 units (an emoji is two) and keeps the text in ``Sources/<guid>.txt`` with a
byte-order mark; qc writes ``sources/`` in lower case; ATLAS.ti and NVivo for Mac write the
namespaces ``…:0:4`` and ``…:1:0``; guids come in upper or lower case, with or without braces.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from fritekst.codebook import Codebook
from fritekst.codebook._qdc import PROJECT_NS, _derived_guid, parse_xml, read_code_tree
from fritekst.errors import InputError
from fritekst.refi._archive import open_project

NOT_TEXT = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


def q(tag: str) -> str:
    return f"{{{PROJECT_NS}}}{tag}"


def guid_key(guid: str | None) -> str:
    """Guids compare without braces and case: NVivo writes lower case, ATLAS.ti upper, some {braced}."""
    return (guid or "").strip().strip("{}").lower()


@dataclass(frozen=True)
class Coding:
    code: str  # guid key
    user: str | None  # guid key
    created_at: str | None
    notes: tuple[str, ...] = ()  # guid keys of the notes the coding refers to


@dataclass(frozen=True)
class Selection:
    start: int
    end: int
    name: str
    codings: tuple[Coding, ...]


@dataclass(frozen=True)
class TextSource:
    guid: str
    name: str
    text: str
    description: str
    selections: tuple[Selection, ...]
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    variables: dict[str, str]
    sources: tuple[str, ...]  # guid keys


@dataclass(frozen=True)
class Variable:
    name: str
    description: str


@dataclass(frozen=True)
class Project:
    """What a project holds that fritekst can map; ``unmapped`` counts what it cannot, by kind."""

    name: str
    origin: str
    description: str
    users: dict[str, str]  # guid key -> name
    codebook: Codebook | None
    code_ids: dict[str, str]  # code guid key -> category id
    sources: tuple[TextSource, ...]
    cases: tuple[Case, ...]
    variables: dict[str, Variable]  # guid key -> variable
    notes: dict[str, str]  # guid key -> text
    source_sets: tuple[tuple[str, str, tuple[str, ...]], ...]  # (name, description, source guid keys)
    codes_in_file: int
    codings_in_file: int
    unmapped: Counter = field(default_factory=Counter)


def read_project(path: str | Path) -> Project:
    """The project at ``path`` (.qdpx, or a bare project.qde), or :class:`InputError` naming the
    file, line and element of what is wrong."""
    file = str(path)
    qde, member = open_project(path)
    root, line_of = parse_xml(qde, file, "project")
    if root.tag != q("Project"):
        raise InputError(f"line {line_of[root]}: the root element is {root.tag!r}, not <Project "
                         f'xmlns="{PROJECT_NS}">; this is not a REFI-QDA project', file=file)
    unmapped: Counter = Counter()
    codes = root.findall(f"{q('CodeBook')}/{q('Codes')}")
    sets = root.findall(f"{q('Sets')}/{q('Set')}")
    name = root.get("name") or Path(file).stem
    codebook = read_code_tree(codes, sets, line_of, file, name, line_of[root], PROJECT_NS) if codes else None
    code_ids = {}
    if codebook is not None:
        elements = [e for c in codes for e in c.iter(q("Code"))]
        ids = [c.id for c in codebook.categories]
        by_guid = {guid_key((c.model_extra or {}).get("guid")): c.id for c in codebook.categories}
        for element in elements:  # own guid kept in ``guid`` or derived: match on the element's
            key = guid_key(element.get("guid"))
            code_ids[key] = by_guid.get(key) or _derived_id(codebook, key, ids)
    nvivo = (root.get("origin") or "").startswith("NVivo")
    variables = {guid_key(v.get("guid")): Variable(v.get("name") or "", v.findtext(q("Description")) or "")
                 for v in root.iterfind(f"{q('Variables')}/{q('Variable')}")}
    sources = []
    for element in root.iterfind(f"{q('Sources')}/*"):
        local = element.tag.rpartition("}")[2]
        if local != "TextSource":
            unmapped[f"{local} (not text)"] += 1
            unmapped["codings on sources that are not text"] += sum(1 for _ in element.iter(q("Coding")))
            continue
        text = _text(element, member, line_of, file, unmapped)
        if text is None:
            unmapped["codings on sources without text"] += sum(1 for _ in element.iter(q("Coding")))
            continue
        sources.append(_source(element, text, nvivo, variables, unmapped))
    cases = tuple(
        Case(c.get("name") or "", c.findtext(q("Description")) or "", _values(c, variables),
             tuple(guid_key(r.get("targetGUID")) for r in c.iterfind(q("SourceRef"))))
        for c in root.iterfind(f"{q('Cases')}/{q('Case')}")
    )
    notes = {guid_key(n.get("guid")): n.findtext(q("PlainTextContent")) or ""
             for n in root.iterfind(f"{q('Notes')}/{q('Note')}")}
    source_sets = tuple(
        (s.get("name") or "", s.findtext(q("Description")) or "",
         tuple(guid_key(m.get("targetGUID")) for m in s.iterfind(q("MemberSource"))))
        for s in sets if s.findall(q("MemberSource"))
    )
    for kind in ("Graphs", "Links"):
        unmapped[kind] += sum(len(list(e)) for e in root.iterfind(q(kind)))
    return Project(
        name=name, origin=root.get("origin") or "", description=root.findtext(q("Description")) or "",
        users={guid_key(u.get("guid")): (u.get("name") or u.get("id") or u.get("guid")).strip()
               for u in root.iterfind(f"{q('Users')}/{q('User')}")},
        codebook=codebook, code_ids=code_ids, sources=tuple(sources), cases=cases, variables=variables,
        notes=notes, source_sets=source_sets, codes_in_file=sum(1 for c in codes for _ in c.iter(q("Code"))),
        codings_in_file=sum(1 for _ in root.iter(q("Coding"))), unmapped=+unmapped,
    )


def _derived_id(codebook: Codebook, key: str, ids: list[str]) -> str:
    return next((i for i in ids if guid_key(_derived_guid(codebook.name, i)) == key), "")


def _text(element: ET.Element, member, line_of: dict, file: str, unmapped: Counter) -> str | None:
    """A TextSource's plain text: inline, or ``internal://`` from the archive; None (counted) when
    it only has rich text or names a file outside the archive."""
    inline = element.find(q("PlainTextContent"))
    if inline is not None:
        return inline.text or ""
    path = element.get("plainTextPath") or ""
    name = path.removeprefix("internal://")  # qc writes the bare file name
    if not path or "://" in name:
        unmapped["text sources whose text is outside the archive" if path else "text sources with rich text only"] += 1
        return None
    data = member(f"Sources/{name}")
    if data is None:
        unmapped["text sources whose file is missing from the archive"] += 1
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"line {line_of[element]}: the text of source {element.get('name')!r} (Sources/{name}) "
                         f"is not UTF-8 (byte {error.start}); export the project again", file=file) from None


def _source(element: ET.Element, text: str, nvivo: bool, variables: dict, unmapped: Counter) -> TextSource:
    position = _utf16_to_index(text) if nvivo and any(ord(c) > 0xFFFF for c in text) else None
    selections = []
    for selection in element.iterfind(q("PlainTextSelection")):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        if position is not None:
            start, end = position(start), position(end)
        start, end = max(0, min(start, end)), min(len(text), max(start, end))
        codings = tuple(
            Coding(guid_key(next((ref.get("targetGUID") for ref in coding.iterfind(q("CodeRef"))), "")),
                   guid_key(coding.get("creatingUser") or selection.get("creatingUser")) or None,
                   coding.get("creationDateTime") or selection.get("creationDateTime"),
                   tuple(guid_key(n.get("targetGUID")) for n in coding.iterfind(q("NoteRef"))))
            for coding in selection.iterfind(q("Coding"))
        )
        selections.append(Selection(start, end, selection.get("name") or "", codings))
    unmapped["codings of a whole source"] += len(element.findall(q("Coding")))
    name = element.get("name") or Path((element.get("plainTextPath") or "").removeprefix("internal://")).stem
    return TextSource(guid_key(element.get("guid")), name or guid_key(element.get("guid")), text,
                      element.findtext(q("Description")) or "", tuple(selections), _values(element, variables))


def _values(element: ET.Element, variables: dict) -> dict[str, str]:
    values = {}
    for value in element.iterfind(q("VariableValue")):
        ref = value.find(q("VariableRef"))
        variable = variables.get(guid_key(ref.get("targetGUID") if ref is not None else ""))
        given = next((child.text for child in value if child.tag != q("VariableRef")), None)
        if variable is not None and given is not None and given.strip():
            values[variable.name] = given.strip()
    return values


def _utf16_to_index(text: str):
    """A function from NVivo's UTF-16 positions to Python's character positions."""
    units = []
    for i, character in enumerate(text):
        units.extend([i, i] if ord(character) > 0xFFFF else [i])
    units.append(len(text))
    return lambda position: units[min(position, len(units) - 1)] if position >= 0 else 0
