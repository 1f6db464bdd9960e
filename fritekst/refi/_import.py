"""A REFI-QDA project into a project store: its texts as answers, its codebook, its coded
selections as segments with people's codings, and a report of what could not be mapped.

A project fritekst exported comes back as it was (the ``--- fritekst ---`` blocks say which
question, respondent, wave and role each text had). From another program each text source is
one answer to the question "dokument", by its case (or, without one, by the source's name), with
the case's and source's variables as attributes; each coded range is a segment, and a source
nobody coded is one segment. The segments are stored as a run without themes, so the coder app
opens them like any run.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from fritekst import __version__
from fritekst.clean import normalise
from fritekst.codebook._qdc import _load_block, _split
from fritekst.coders import MODEL_CODER, check_name
from fritekst.refi._read import Project, TextSource, read_project
from fritekst.run_table import THEME_COLUMNS, RunResult
from fritekst.files import file_sha256

FOREIGN_QUESTION = "dokument"
UNKNOWN_CODER = "ukjent"


@dataclass(frozen=True)
class ProjectImport:
    """What an import found in the file and what it stored; ``unmapped`` counts the rest by kind."""

    file: str
    origin: str
    survey: str
    codes_in_file: int
    codes: int
    levels: int
    sources: int
    answers: int
    codings_in_file: int
    codings: int  # coded (selection, code) pairs stored
    users: tuple[str, ...]
    already_imported: bool
    run_id: int | None
    unmapped: dict[str, int] = field(default_factory=dict)


def import_project(path: str | Path, store, survey: str | None = None, actor: str | None = None) -> ProjectImport:
    """Import the project at ``path`` into ``store`` in one transaction (survey name: the project's)."""
    project = read_project(path)
    survey = survey or project.name
    unmapped = Counter(project.unmapped)
    answers, segments, codings, n_codings = _tables(project, str(path), unmapped)
    manifest = {
        "fritekst_version": __version__, "input": {"file": Path(path).name, "sha256": file_sha256(path)},
        "source": {"format": "REFI-QDA", "origin": project.origin}, "embedder": "—", "seed": None,
        "counts": {"answers": len(answers), "segments": len(segments), "codings": n_codings},
    }
    result = RunResult(segments, pd.DataFrame(columns=THEME_COLUMNS), manifest, project.codebook)
    summary, run_id = store.import_coded(answers, path, result, codings, survey=survey, actor=actor)
    codebook = project.codebook
    return ProjectImport(
        file=str(path), origin=project.origin, survey=summary.survey, codes_in_file=project.codes_in_file,
        codes=sum(not c.special for c in codebook.categories) if codebook else 0,
        levels=_depth(codebook) if codebook else 0, sources=len(project.sources), answers=len(answers),
        codings_in_file=project.codings_in_file, codings=0 if summary.already_imported else n_codings,
        users=tuple(dict.fromkeys(codings["coder"])), already_imported=summary.already_imported, run_id=run_id,
        unmapped=dict(+unmapped),
    )


def _depth(codebook) -> int:
    parent = {c.id: c.parent for c in codebook.categories}

    def depth(category_id):
        return 1 if parent.get(category_id) is None else 1 + depth(parent[category_id])

    return max(map(depth, parent), default=0)


def _block(text: str, file: str) -> tuple[str, dict]:
    description, block = _split(text or "")
    return description, (_load_block(block, 0, file) if block is not None else {})


def _tables(project: Project, file: str, unmapped: Counter):
    """answers, run assignments and codings (one row per segment and coder) of ``project``."""
    fields = {key: _block(v.description, file)[1] for key, v in project.variables.items()}
    role = next((v.name for key, v in project.variables.items() if fields[key].get("field") == "role"), None)
    wave = next((v.name for key, v in project.variables.items() if fields[key].get("field") == "wave"), None)
    column_of = {v.name: fields[key].get("column", v.name) for key, v in project.variables.items()}
    case_of = {}
    for case in project.cases:
        for source in case.sources:
            case_of.setdefault(source, case)
    cases_sources = Counter(id(case_of[s.guid]) for s in project.sources if s.guid in case_of)
    question_of = {guid: name for name, _, members in project.source_sets for guid in members}
    answers, assignments, codings, n_codings, taken = [], [], [], 0, set()
    for position, source in enumerate(project.sources, start=1):
        description, block = _block(source.description, file)
        case = case_of.get(source.guid)
        variables = {**(case.variables if case else {}), **source.variables}
        own = "question" in block
        respondent = str(block["respondent"]) if own else (
            case.name if case is not None and cases_sources[id(case)] == 1 else source.name)
        while not own and (respondent, block.get("wave")) in taken:  # two sources of one name
            respondent = f"{respondent} ({source.guid[:8]})"
        taken.add((respondent, block.get("wave")))
        question = block.get("question") or question_of.get(source.guid) or FOREIGN_QUESTION
        row = {
            "id": respondent, "question": question,
            "question_text": block.get("question_text", question if own else description or question),
            "text": source.text, "role": variables.pop(role, None) if role else None,
            "wave": (block.get("wave") or None) if own else (variables.pop(wave, None) if wave else None),
            "source_row": int(block.get("source_row", position)),
        }
        if own and wave:
            variables.pop(wave, None)
        row |= {column_of.get(name, name): value for name, value in variables.items()}
        answers.append(row)
        for number, (segment, selections) in enumerate(_segments(source, own)):
            assignments.append({**{k: row[k] for k in ("id", "question", "question_text", "role", "wave",
                                                        "source_row")},
                                "segment": number, "text": segment, "non_answer": False, "theme_id": -1,
                                "blank": not segment})
            found = _codings(project, selections, unmapped)
            n_codings += sum(1 + len(c["extra_codes"]) for c in found)
            codings += [{"question": question, "wave": row["wave"], "id": respondent, "segment": number, **c}
                        for c in found]
    fixed = ["id", "question", "question_text", "text", "role", "wave", "source_row"]
    answers = pd.DataFrame(answers, columns=None if answers else fixed).astype(object)
    answers = answers[fixed + [c for c in answers.columns if c not in fixed]]
    attributes = [c for c in answers.columns if c not in fixed]
    segments = pd.DataFrame(assignments, columns=["id", "question", "segment", "text", "non_answer", "theme_id",
                                                  "blank", "question_text", "role", "wave", "source_row"])
    segments = segments.join(answers.set_index(["id", "question"])[attributes], on=["id", "question"])
    order = ["id", "question", "segment", "text", "non_answer", "theme_id", "blank", "question_text", "role", "wave",
             *attributes, "source_row"]
    codings = pd.DataFrame(codings, columns=["question", "wave", "id", "segment", "code_id", "extra_codes", "coder",
                                             "created_at", "memo", "quote_candidate"])
    return answers, segments[order], codings, n_codings


def _segments(source: TextSource, own: bool):
    """(segment text, the selections of that range), in text order; a source nobody coded from
    another program is one segment. fritekst's own export names each selection by its segment."""
    ranges: dict[tuple[int, int], list] = {}
    for selection in source.selections:
        ranges.setdefault((selection.start, selection.end), []).append(selection)
    if not ranges and not own:
        return [(normalise(source.text), [])]
    return [(selections[0].name if own else normalise(source.text[start:end]), selections)
            for (start, end), selections in sorted(ranges.items())]


def _codings(project: Project, selections, unmapped: Counter) -> list[dict]:
    """One coding per coder of a segment: their first code, the rest as extra codes."""
    codable = {c.id for c in project.codebook.codable()} if project.codebook else set()
    by_coder: dict[str, dict] = {}
    for selection in selections:
        for coding in selection.codings:
            code = project.code_ids.get(coding.code)
            if not code:
                unmapped["codings of codes the codebook lacks"] += 1
                continue
            if code not in codable:
                unmapped["codings of codes marked not codable"] += 1
                continue
            coder = _coder(project.users.get(coding.user) if coding.user else None)
            entry = by_coder.setdefault(coder, {"codes": [], "created_at": None, "memo": None, "quote": False})
            entry["codes"].append(code)
            when = _when(coding.created_at)
            entry["created_at"] = max(filter(None, [entry["created_at"], when]), default=None)
            for note in coding.notes:
                memo, block = _split(project.notes.get(note, ""))
                entry["memo"] = entry["memo"] or memo or None
                entry["quote"] = entry["quote"] or "quote_candidate" in (block or "")
    return [{"code_id": e["codes"][0], "extra_codes": tuple(dict.fromkeys(e["codes"][1:])), "coder": coder,
             "created_at": e["created_at"], "memo": e["memo"], "quote_candidate": e["quote"]}
            for coder, e in by_coder.items()]


def _coder(name: str | None) -> str:
    """The user's name as a coder's: "model" is the model's own, so another program's user by that
    name becomes "model (importert)"; a coding without a user is "ukjent"'s."""
    name = (name or "").strip() or UNKNOWN_CODER
    if name.casefold() == MODEL_CODER:
        name = f"{name} (importert)"
    return check_name(name, column="User")


def _when(value: str | None) -> str | None:
    """An xsd:dateTime as the store's UTC ISO text with microseconds; None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")
