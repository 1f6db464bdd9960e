"""REFI-QDA codebook exchange (.qdc): a codebook out to NVivo, ATLAS.ti, MAXQDA or QualCoder and back.

The standard (``fritekst/data/refi/Codebook.xsd``) carries a code's name, colour, description,
guid and nesting, and its schema allows no foreign elements or attributes. So what else fritekst
needs (``id``, ``keywords``, ``examples``, ``exclude``, ``special``, the retirement fields and
unknown extras) is appended to each ``<Description>`` as YAML after a line ``--- fritekst ---``:
every QDA program keeps a description as text, so the block travels with the code, and a coder
reads the human description first. The codebook's own fields travel the same way in one ``<Set>``
named after the codebook, listing all codes in codebook order (which the tree cannot keep).

On import the XML wins where it says something, so a code renamed, recoloured, re-described or
moved in NVivo comes back so, with its id intact; a colour or guid the schema would reject rides
in the block instead. ``isCodable`` is written from :meth:`Codebook.codable` (headings and retired
categories are not codable) and not read back: in fritekst that follows from the tree.

Guids: a category keeps its ``guid`` field (e.g. from an earlier import); otherwise it gets a
uuid5 of codebook name and id, so exports are byte-identical and a re-export updates the same
codes in the other program.

Codes from other programs get ids from their names (``Språk og kultur`` -> ``sprak_og_kultur``)
and keep their guid in ``guid``; one named like a special category («Annet») becomes it. fritekst
has two levels, so a deeper code hangs under its top-level ancestor and keeps its original path
in ``qdc_path``. Other programs' Sets are not imported: fritekst has no code groups.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.parsers import expat

import yaml
from pydantic import ValidationError

from fritekst.codebook._checks import SPECIAL_IDS, problems
from fritekst.codebook._ids import slug, unique_id
from fritekst.codebook._model import SPECIAL_CATEGORIES, Category, Codebook
from fritekst.codebook._yaml import AnchorRefused, _Dumper, _line_for, load_yaml
from fritekst.errors import InputError
from fritekst.files import written_whole

NS = "urn:QDA-XML:codebook:1.0"
MARKER = "--- fritekst ---"
# Never change: every guid fritekst has exported derives from it.
GUID_NAMESPACE = uuid.UUID("ac94bfa3-6f86-4803-bbdd-4a75e9abc192")
GUID = re.compile(r"^(\{)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?(1)\})$")
COLOR = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
SPECIAL_BY_LABEL = {category.label.casefold(): category.id for category in SPECIAL_CATEGORIES}


def dump_qdc(codebook: Codebook) -> str:
    """The codebook as .qdc XML, special categories included (coders in NVivo need them)."""
    codebook = codebook.with_special_categories()
    children: dict[str | None, list[Category]] = {}
    for category in codebook.categories:
        children.setdefault(category.parent, []).append(category)
    codable = {category.id for category in codebook.codable()}
    root = ET.Element("CodeBook", {"xmlns": NS, "origin": "fritekst"})
    guids = {}

    def add(parent: ET.Element, category: Category) -> None:
        carried = {"label", "description", "parent"}  # by the XML itself; the block holds the rest
        own_guid = (category.model_extra or {}).get("guid")
        if _fits(own_guid, GUID):
            carried.add("guid")
        guids[category.id] = own_guid if "guid" in carried else _derived_guid(codebook.name, category.id)
        attributes = {"guid": guids[category.id], "name": category.label,
                      "isCodable": str(category.id in codable).lower()}
        if _fits(category.color, COLOR):
            attributes["color"] = category.color
            carried.add("color")
        element = ET.SubElement(parent, "Code", attributes)
        block = category.model_dump(mode="json", exclude_defaults=True, exclude=carried)
        ET.SubElement(element, "Description").text = _with_block(category.description, block)
        for child in children.get(category.id, []):
            add(element, child)

    codes = ET.SubElement(root, "Codes")
    for category in children.get(None, []):
        add(codes, category)
    meta = ET.SubElement(ET.SubElement(root, "Sets"), "Set",
                         {"guid": _derived_guid(codebook.name), "name": codebook.name})
    block = {"version": codebook.version, "language": codebook.language} | codebook.model_dump(
        mode="json", by_alias=True, exclude_defaults=True, exclude={"name", "description", "categories"})
    ET.SubElement(meta, "Description").text = _with_block(codebook.description, block)
    for category in codebook.categories:
        ET.SubElement(meta, "MemberCode", {"guid": guids[category.id]})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def save_qdc(codebook: Codebook, path: str | Path) -> Path:
    path = Path(path)
    with written_whole(path) as temporary:
        temporary.write_bytes(dump_qdc(codebook).encode("utf-8"))  # bytes: no newline translation on Windows
    return path


def load_qdc(path: str | Path) -> Codebook:
    """Read a .qdc file from fritekst or another QDA program into a validated, completed codebook."""
    path = Path(path)
    try:
        source = path.read_bytes()
    except FileNotFoundError:
        raise InputError("codebook file not found; check the path", file=str(path)) from None
    return parse_qdc(source, str(path))


def parse_qdc(source: str | bytes, file: str = "<qdc>") -> Codebook:
    """Codebook from .qdc XML, checked like YAML (unique ids, two levels) and with the specials added."""
    root, line_of = _parse_xml(source, file)
    if root.tag != _q("CodeBook"):
        raise InputError(f"line {line_of[root]}: the root element is {_show(root.tag)}, not {_show(_q('CodeBook'))}; "
                         "this is not a REFI-QDA codebook (.qdc)", file=file)
    seen: dict[str, int] = {}
    entries = [entry for codes in root.iterfind(_q("Codes")) for entry in _codes(codes, line_of, file, seen)]
    meta = next((s for s in root.iterfind(f"{_q('Sets')}/{_q('Set')}") if _split(_description(s))[1] is not None),
                None)
    data: dict = {"name": Path(file).stem.strip("<>")}
    if meta is not None:
        description, block = _split(_description(meta))
        data.update(_load_block(block, line_of[meta], file), name=meta.get("name", data["name"]),
                    description=description)
        order = {member.get("guid", "").strip(): i for i, member in enumerate(meta.iterfind(_q("MemberCode")))}
        entries.sort(key=lambda entry: order.get(entry[0].get("guid").strip(), len(order)))
    data["categories"] = categories = [_category(element, line_of[element], file) for element, _ in entries]
    _assign_ids(categories, [element.get("name") for element, _ in entries])
    id_of = {element: category["id"] for (element, _), category in zip(entries, categories)}
    for (element, ancestors), category in zip(entries, categories):
        category["parent"] = id_of[ancestors[0]] if ancestors else None
        if len(ancestors) > 1:  # deeper than fritekst's two levels
            category["qdc_path"] = [code.get("name") for code in (*ancestors, element)]
        if element.get("guid").strip() != _derived_guid(data["name"], category["id"]):
            category["guid"] = element.get("guid").strip()
    lines = {(): line_of.get(meta, line_of[root])} | {("categories", i): line_of[e] for i, (e, _) in enumerate(entries)}
    try:
        codebook = Codebook.model_validate(data)
    except ValidationError as error:
        location = tuple(error.errors()[0]["loc"])
        what = ".".join(str(part) for part in location)
        if location[:1] == ("categories",) and len(location) > 1:
            what = ", ".join([f"code {entries[location[1]][0].get('name')!r}", *map(str, location[2:3])])
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise InputError(f"line {_line_for(lines, location)}: {what}: {message}", file=file) from None
    for problem in problems(codebook, lambda location: f"line {_line_for(lines, location)}"):
        raise InputError(problem, file=file)
    return codebook.with_special_categories()


def _codes(parent: ET.Element, line_of: dict, file: str, seen: dict[str, int], ancestors: tuple = ()) -> Iterator:
    """Each ``<Code>`` under ``parent`` with its ancestors, depth first, once its name and guid are checked."""
    for element in parent.iterfind(_q("Code")):
        line, name, guid = line_of[element], element.get("name"), (element.get("guid") or "").strip()
        if name is None or not guid:
            missing = "name" if name is None else "guid"
            raise InputError(f"line {line}: a <Code> has no {missing!r}; every code needs a name and a guid", file=file)
        if not GUID.match(guid):
            raise InputError(f"line {line}: code {name!r} has an invalid guid {guid!r} "
                             "(expected e.g. 1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294)", file=file)
        key = guid.strip("{}").upper()
        if key in seen:
            raise InputError(f"line {line}: duplicate guid {guid} (first at line {seen[key]}); "
                             "every code needs its own guid", file=file)
        seen[key] = line
        yield element, ancestors
        yield from _codes(element, line_of, file, seen, (*ancestors, element))


def _category(element: ET.Element, line: int, file: str) -> dict:
    """A category's fields: the block's, then what the standard says (it wins: edited in NVivo)."""
    description, block = _split(_description(element))
    category = _load_block(block, line, file) if block is not None else {}
    category.update(label=element.get("name"), description=description)
    if element.get("color"):
        category["color"] = element.get("color").strip()
    return category


def _assign_ids(categories: list[dict], names: list[str]) -> None:
    """Ids for codes without a fritekst block: from the name, unique; «Annet» becomes the special ``annet``."""
    taken = {category["id"] for category in categories if isinstance(category.get("id"), str)}
    for category, name in zip(categories, names):
        if "id" in category:
            continue
        category["id"] = unique_id(SPECIAL_BY_LABEL.get(name.strip().casefold()) or slug(name), taken)
        if category["id"] in SPECIAL_IDS:
            category["special"] = True


def _parse_xml(source: str | bytes, file: str) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The element tree plus each element's line, which ElementTree alone does not keep."""
    raw = source.encode("utf-8") if isinstance(source, str) else source
    if not raw.removeprefix(b"\xef\xbb\xbf").strip():
        raise InputError("the file is empty; export the codebook again", file=file)
    if b"\x00" in raw[:1024] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("this is a binary file (a .qdpx project is a zip archive), not a .qdc codebook", file=file)
    builder, parser, line_of = ET.TreeBuilder(), expat.ParserCreate(namespace_separator="}"), {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        line_of[builder.start(_clark(tag), attributes)] = parser.CurrentLineNumber

    def no_doctype(*_) -> None:
        raise InputError(f"line {parser.CurrentLineNumber}: a .qdc codebook has no <!DOCTYPE> (its entities could "
                         "expand a small file without bound); export the codebook again", file=file)

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(_clark(tag))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = no_doctype
    try:
        parser.Parse(source, True)
    except expat.ExpatError as error:
        problem = expat.errors.messages[error.code]
        raise InputError(f"line {error.lineno}: not valid XML ({problem})", file=file) from None
    return builder.close(), line_of


def _split(text: str) -> tuple[str, str | None]:
    """Human description and fritekst block (None when there is none, as from other programs)."""
    lines = text.split("\n")
    if MARKER not in lines:
        return text.strip(), None
    at = len(lines) - 1 - lines[::-1].index(MARKER)
    return "\n".join(lines[:at]).removesuffix("\n"), "\n".join(lines[at + 1:])


class _BlockDumper(_Dumper):
    """One ``key: value`` line per field, lists on one line: short and readable in a description box."""


_BlockDumper.add_representer(list, lambda dumper, data: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=not any(isinstance(item, dict | list) for item in data)))


def _with_block(description: str, block: dict) -> str:
    text = f"{MARKER}\n" + yaml.dump(block, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=10**6)
    return f"{description}\n\n{text}" if description else text


def _load_block(text: str, line: int, file: str) -> dict:
    try:
        block = load_yaml(text)[1]
    except AnchorRefused as error:
        raise InputError(f"line {line}: the '{MARKER}' block in the description: {error.problem}", file=file) from None
    except yaml.YAMLError:
        raise InputError(f"line {line}: the '{MARKER}' block in the description is not valid YAML", file=file) from None
    if not isinstance(block, dict | None):
        raise InputError(f"line {line}: the '{MARKER}' block in the description must be 'key: value' lines", file=file)
    return block or {}


def _description(element: ET.Element) -> str:
    return element.findtext(_q("Description")) or ""


def _derived_guid(*parts: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, "/".join(parts))).upper()


def _fits(value: object, pattern: re.Pattern) -> bool:
    return isinstance(value, str) and bool(pattern.match(value))


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _clark(expat_name: str) -> str:
    return "{" + expat_name if "}" in expat_name else expat_name


def _show(tag: str) -> str:
    namespace, _, local = tag.removeprefix("{").rpartition("}")
    return f'<{local} xmlns="{namespace}">' if namespace else f"<{local}>"
