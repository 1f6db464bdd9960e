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
categories are not codable) and read back into ``codable`` only where it differs from what the tree
implies (NVivo's parent codes carry codings), so a program's choice survives the round trip.

Guids: a category keeps its ``guid`` field (e.g. from an earlier import); otherwise it gets a
uuid5 of codebook name and id, so exports are byte-identical and a re-export updates the same
codes in the other program.

Codes from other programs get ids from their names (``Språk og kultur`` -> ``sprak_og_kultur``)
and keep their guid in ``guid``; one named like a special category («Annet») becomes it. A tree
deeper than two levels is kept as it is (the codebook's ``levels`` says how deep; reports roll the
deeper codes up to their second level). Other programs' Sets become the codebook's ``sets``.

Namespaces: ATLAS.ti writes ``urn:QDA-XML:codebook:0:4`` and some programs ``…:1:0``; both are
read as ``urn:QDA-XML:codebook:1.0`` (and the same for projects), as QualCoder does.
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
PROJECT_NS = "urn:QDA-XML:project:1.0"
# What programs write in place of the standard's namespaces; read as if they had written the standard's.
NAMESPACE_VARIANTS = {f"urn:QDA-XML:{kind}:{version}": f"urn:QDA-XML:{kind}:1.0"
                      for kind in ("codebook", "project") for version in ("1:0", "0:4")}
MARKER = "--- fritekst ---"
# Never change: every guid fritekst has exported derives from it.
GUID_NAMESPACE = uuid.UUID("ac94bfa3-6f86-4803-bbdd-4a75e9abc192")
GUID = re.compile(r"^(\{)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?(1)\})$")
COLOR = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
SPECIAL_BY_LABEL = {category.label.casefold(): category.id for category in SPECIAL_CATEGORIES}


def dump_qdc(codebook: Codebook) -> str:
    """The codebook as .qdc XML, special categories included (coders in NVivo need them)."""
    root = ET.Element("CodeBook", {"xmlns": NS, "origin": "fritekst"})
    codes, sets = code_tree(codebook, NS)
    root.append(codes)
    root.append(sets)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def code_tree(codebook: Codebook, namespace: str = NS, guid_of=None) -> tuple[ET.Element, ET.Element]:
    """``<Codes>`` and ``<Sets>`` of ``codebook`` (specials included): the codebook's own set first,
    then its code sets. A project (``namespace`` :data:`PROJECT_NS`) names a set's members by
    ``targetGUID``, a .qdc by ``guid``; ``guid_of`` may rewrite every guid (a project's are lower case).
    Elements are made without namespace; the caller's root declares it."""
    codebook = codebook.with_special_categories()
    guid_of = guid_of or (lambda guid: guid)
    member = "targetGUID" if namespace == PROJECT_NS else "guid"
    children: dict[str | None, list[Category]] = {}
    for category in codebook.categories:
        children.setdefault(category.parent, []).append(category)
    codable = {category.id for category in codebook.codable()}
    guids = {}

    def add(parent: ET.Element, category: Category) -> None:
        carried = {"label", "description", "parent", "codable"}  # by the XML itself; the block holds the rest
        own_guid = (category.model_extra or {}).get("guid")
        if _fits(own_guid, GUID) and guid_of(own_guid) == own_guid:
            carried.add("guid")
        guids[category.id] = own_guid if "guid" in carried else guid_of(_derived_guid(codebook.name, category.id))
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

    codes = ET.Element("Codes")
    for category in children.get(None, []):
        add(codes, category)
    sets = ET.Element("Sets")
    meta = ET.SubElement(sets, "Set", {"guid": guid_of(_derived_guid(codebook.name)), "name": codebook.name})
    block = {"version": codebook.version, "language": codebook.language} | codebook.model_dump(
        mode="json", by_alias=True, exclude_defaults=True, exclude={"name", "description", "categories", "sets"})
    ET.SubElement(meta, "Description").text = _with_block(codebook.description, block)
    for category in codebook.categories:
        ET.SubElement(meta, "MemberCode", {member: guids[category.id]})
    for code_set in codebook.sets:
        own_guid = (code_set.model_extra or {}).get("guid")
        guid = own_guid if _fits(own_guid, GUID) else guid_of(_derived_guid(codebook.name, "set", code_set.name))
        element = ET.SubElement(sets, "Set", {"guid": guid, "name": code_set.name})
        extra = code_set.model_dump(mode="json", exclude_defaults=True, exclude={"name", "description", "codes", "guid"})
        if code_set.description or extra:
            ET.SubElement(element, "Description").text = (_with_block(code_set.description, extra) if extra
                                                          else code_set.description)
        for category_id in code_set.codes:
            ET.SubElement(element, "MemberCode", {member: guids[category_id]})
    return codes, sets


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
    """Codebook from .qdc XML, checked like YAML (unique ids, parents) and with the specials added."""
    root, line_of = parse_xml(source, file, "codebook")
    if root.tag != _q("CodeBook"):
        raise InputError(f"line {line_of[root]}: the root element is {_show(root.tag)}, not {_show(_q('CodeBook'))}; "
                         "this is not a REFI-QDA codebook (.qdc)", file=file)
    return read_code_tree(root.findall(_q("Codes")), root.findall(f"{_q('Sets')}/{_q('Set')}"), line_of, file,
                          Path(file).stem.strip("<>"), line_of[root])


def read_code_tree(codes_elements: list[ET.Element], set_elements: list[ET.Element], line_of: dict, file: str,
                   name: str, root_line: int, namespace: str = NS) -> Codebook:
    """The codebook that ``<Codes>`` and ``<Sets>`` elements describe (of a .qdc or a project)."""
    q = lambda tag: f"{{{namespace}}}{tag}"  # noqa: E731
    member = "targetGUID" if namespace == PROJECT_NS else "guid"
    seen: dict[str, int] = {}
    entries = [entry for codes in codes_elements for entry in _codes(codes, line_of, file, seen, q=q)]
    meta = next((s for s in set_elements if _split(s.findtext(q("Description")) or "")[1] is not None
                 and not s.findall(q("MemberSource"))), None)
    data: dict = {"name": name}
    if meta is not None:
        description, block = _split(meta.findtext(q("Description")) or "")
        data.update(_load_block(block, line_of[meta], file), name=meta.get("name", data["name"]),
                    description=description)
        order = {_guid_key(m.get(member, "")): i for i, m in enumerate(meta.iterfind(q("MemberCode")))}
        entries.sort(key=lambda entry: order.get(_guid_key(entry[0].get("guid")), len(order)))
    data["categories"] = categories = [_category(element, line_of[element], file, q) for element, _ in entries]
    _assign_ids(categories, [element.get("name") for element, _ in entries])
    id_of = {element: category["id"] for (element, _), category in zip(entries, categories)}
    by_guid = {_guid_key(element.get("guid")): category["id"] for (element, _), category in zip(entries, categories)}
    depth = max((len(ancestors) + 1 for _, ancestors in entries), default=1)
    if depth > 2:
        data["levels"] = max(depth, data.get("levels", 2))
    for (element, ancestors), category in zip(entries, categories):
        category["parent"] = id_of[ancestors[-1]] if ancestors else None
        guid = element.get("guid").strip()
        if _guid_key(guid) != _guid_key(_derived_guid(data["name"], category["id"])) and not (
                isinstance(category.get("guid"), str) and _guid_key(category["guid"]) == _guid_key(guid)):
            category["guid"] = guid
    parents = {category["parent"] for category in categories if category["parent"]}
    for (element, _), category in zip(entries, categories):
        given = (element.get("isCodable") or "true").strip().lower() in ("true", "1")
        implied = category.get("retired") is None and category["id"] not in parents
        if given != implied and category.get("retired") is None:
            category["codable"] = given
    sets = [code_set for code_set in set_elements if code_set is not meta and code_set.findall(q("MemberCode"))]
    if sets:
        data["sets"] = [_code_set(code_set, by_guid, line_of, file, q, member) for code_set in sets]
    lines = {(): line_of.get(meta, root_line)} | {("categories", i): line_of[e] for i, (e, _) in enumerate(entries)}
    lines |= {("sets", i): line_of[e] for i, e in enumerate(sets)}
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


def _code_set(element: ET.Element, by_guid: dict[str, str], line_of: dict, file: str, q, member: str) -> dict:
    """A ``<Set>`` of codes; members the codebook lacks are left out (a set may list deleted codes)."""
    description, block = _split(element.findtext(q("Description")) or "")
    data = _load_block(block, line_of[element], file) if block is not None else {}
    codes = [by_guid[key] for key in (_guid_key(m.get(member, "")) for m in element.iterfind(q("MemberCode")))
             if key in by_guid]
    data.update(name=element.get("name") or "", description=description, codes=list(dict.fromkeys(codes)))
    guid = (element.get("guid") or "").strip()
    if guid:
        data["guid"] = guid
    return data


def _guid_key(guid: str | None) -> str:
    return (guid or "").strip().strip("{}").upper()


def _codes(parent: ET.Element, line_of: dict, file: str, seen: dict[str, int], ancestors: tuple = (),
           q=None) -> Iterator:
    """Each ``<Code>`` under ``parent`` with its ancestors, depth first, once its name and guid are checked."""
    q = q or _q
    for element in parent.iterfind(q("Code")):
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
        yield from _codes(element, line_of, file, seen, (*ancestors, element), q)


def _category(element: ET.Element, line: int, file: str, q=None) -> dict:
    """A category's fields: the block's, then what the standard says (it wins: edited in NVivo)."""
    description, block = _split(element.findtext((q or _q)("Description")) or "")
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


def parse_xml(source: str | bytes, file: str, kind: str = "codebook") -> tuple[ET.Element, dict[ET.Element, int]]:
    """The element tree plus each element's line, which ElementTree alone does not keep; the
    namespace variants programs write are read as the standard's. No DTD, so no entities."""
    raw = source.encode("utf-8") if isinstance(source, str) else source
    if not raw.removeprefix(b"\xef\xbb\xbf").strip():
        raise InputError(f"the file is empty; export the {kind} again", file=file)
    if b"\x00" in raw[:1024] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        if kind == "codebook":
            raise InputError("this is a binary file (a .qdpx project is a zip archive), not a .qdc codebook", file=file)
        raise InputError(f"this is a binary file, not the XML of a REFI-QDA {kind}", file=file)
    builder, parser, line_of = ET.TreeBuilder(), expat.ParserCreate(namespace_separator="}"), {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        line_of[builder.start(_clark(tag), attributes)] = parser.CurrentLineNumber

    def no_doctype(*_) -> None:
        raise InputError(f"line {parser.CurrentLineNumber}: a REFI-QDA {kind} has no <!DOCTYPE> (its entities could "
                         f"expand a small file without bound); export the {kind} again", file=file)

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


def _derived_guid(*parts: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, "/".join(parts))).upper()


def _fits(value: object, pattern: re.Pattern) -> bool:
    return isinstance(value, str) and bool(pattern.match(value))


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _clark(expat_name: str) -> str:
    if "}" not in expat_name:
        return expat_name
    namespace, _, local = expat_name.partition("}")
    return "{" + NAMESPACE_VARIANTS.get(namespace, namespace) + "}" + local


def _show(tag: str) -> str:
    namespace, _, local = tag.removeprefix("{").rpartition("}")
    return f'<{local} xmlns="{namespace}">' if namespace else f"<{local}>"
