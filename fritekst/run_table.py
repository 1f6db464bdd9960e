"""The run's tables: their columns and types, and a run directory written and read.

A run is a :class:`RunResult` wherever it comes from: the pipeline (:mod:`fritekst.run`) makes
one, a project store saves it and gives it back, and a run directory holds it as files. The
pipeline, the store, :mod:`fritekst.results`, :mod:`fritekst.workspace` and the app all import
this module, and none of them the pipeline, so persistence never depends on how themes are found.
:func:`typed` gives a run's tables the same types from every source, so a run read from a store,
read from its files or just computed is the same table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from fritekst.codebook import NON_ANSWER_CODE, Codebook, dump_codebook, load_codebook
from fritekst.coders import MODEL_CODER
from fritekst.errors import InputError
from fritekst.files import written_whole
from fritekst.spreadsheet import neutral_table, restored_table

ASSIGNMENT_COLUMNS = ["id", "question", "segment", "text", "non_answer", "theme_id"]
"""The first columns of ``assignments.csv``; the survey's columns and the code columns follow."""
LANGUAGE = "language"
"""The column after :data:`ASSIGNMENT_COLUMNS`: each row's written standard (``nb``, ``nn``, ``en``,
``other``, ``mixed``; "" when blank; :mod:`fritekst.language`). Runs made before it lack it."""
CODE_COLUMNS = ["code_id", "codes", "confidence", "coded_by"]
"""The code columns of a run made with a codebook (``quote_candidate`` is added on writing)."""
THEME_COLUMNS = ["question", "theme_id", "label", "keywords", "n_answers", "representative_ids"]
"""The columns every ``themes.csv`` has; :data:`ALL_THEME_COLUMNS` are those a run can have."""
THEME_CODE_COLUMNS = ["suggested_code", "suggested_code_share", "new_category"]
PARENT_COLUMNS = ["parent_theme", "parent_label"]
"""A theme's broad theme (its id and label): themes.csv lists the finest themes, the ones answers are
assigned to, and groups them in broad themes (decision 021). A broad theme that is not split has
one theme, with its own id and label here."""
MARKED_KEYWORDS = "marked_keywords"
"""The keywords of ``keywords`` (same spelling, ", " between) that are generic survey words («tid»,
«kommune», «år») or place names («Bergen», «USA»): they say little of what sets a theme apart and
never make its label (decision 021). Runs made before it lack it."""
ALL_THEME_COLUMNS = [*THEME_COLUMNS, MARKED_KEYWORDS, "n_segments", *PARENT_COLUMNS, *THEME_CODE_COLUMNS]

OUTPUT_FILES = ("manifest.json", "themes.csv", "assignments.csv", "codebook.yaml")
REQUIRED_OUTPUT_FILES = OUTPUT_FILES[:3]

# Column types; every column not named here is text, "" where it has no value.
INTEGERS = ("theme_id", "segment", "source_row", "n_answers", "n_segments", "segment_id", "parent_theme")
FLAGS = ("non_answer", "blank", "outlier", "quote_candidate", "new_category", "needs_coder")
FRACTIONS = ("confidence", "suggested_code_share")


@dataclass(frozen=True)
class RunResult:
    """A run: one row per segment (``assignments``), one per theme (``themes``), the manifest and
    the codebook it was coded with (None for a run without ``--codebook``)."""

    assignments: pd.DataFrame
    themes: pd.DataFrame
    manifest: dict
    codebook: Codebook | None = None


def rule_codes(segments: pd.DataFrame) -> pd.DataFrame:
    """The code columns before any suggestion, one row per segment: a non-answer that is not
    blank is coded ``ikke_svar`` by rule (by the model, with confidence 1), the rest not coded."""
    said_nothing = segments["non_answer"] & ~segments["blank"]
    code = np.where(said_nothing, NON_ANSWER_CODE, "")
    return pd.DataFrame({"code_id": code, "codes": code, "confidence": np.where(said_nothing, 1.0, 0.0),
                         "coded_by": np.where(said_nothing, MODEL_CODER, "")}, index=segments.index)


def codebook_entry(codebook, made_under) -> dict:
    """The manifest's ``codebook``: which version the run's codes are read under, and the versions
    they were made under (the run's own, and those people coded with since)."""
    return {"name": codebook.name, "version": codebook.version, "codes_made_under": sorted(set(made_under))}


def typed(table: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """``table`` (assignments or themes) with the contract's column types: whole numbers, flags,
    fractions, and text ("" for a missing value). ``file`` names the file a table of text was read
    from, for the error when a number column holds something else."""
    table = table.copy()
    for column in table.columns:
        values = table[column]
        if column in INTEGERS:
            numbers = pd.to_numeric(values, errors="coerce")
            if numbers.isna().any():
                row = int(numbers.isna().to_numpy().argmax()) + 2  # header is row 1
                raise InputError(f"{column} is not a number", file=file, row=row, column=column)
            table[column] = numbers.astype(int)
        elif column in FLAGS:
            table[column] = values.isin([True, "True"])
        elif column in FRACTIONS:
            table[column] = pd.to_numeric(values, errors="coerce").fillna(0.0).astype(float)
        else:
            table[column] = values.astype(object).where(values.notna(), "").astype(str)
    return table


# A theme takes a category when at least this share of its answers has it as primary code.
# On the example survey with the IMDi codebook, 0.4 gave 13 of 17 themes a category, each one
# right on reading; 0.5 left out four right ones (tolk 0.44, helse 0.46, næringsliv 0.47 …).
THEME_CODE_SHARE = 0.4


def theme_code(codes: pd.Series) -> dict:
    """The category most of a theme's answers got, so a coder can accept the theme at once;
    ``new_category`` when no category holds 40 % of the theme."""
    counts = codes[codes != ""].value_counts()
    top, share = (counts.index[0], counts.iloc[0] / len(codes)) if len(counts) else ("", 0.0)
    fits = share >= THEME_CODE_SHARE
    return {"suggested_code": top if fits else "", "suggested_code_share": round(float(share), 3), "new_category": not fits}


def human_code(code_id: str, coder: str, extra_codes=()) -> tuple[str, str, float, str]:
    """A coder's code (and further codes) as the code columns (code_id, codes, confidence,
    coded_by) hold it. A person's code always wins over the model's suggestion: in a run given
    ``--coded``, and in a run read from a store."""
    return (code_id, ";".join([code_id, *extra_codes]), 1.0, coder)


def with_quote_flags(assignments: pd.DataFrame) -> pd.DataFrame:
    """The assignments with ``quote_candidate`` after the code columns: a coder's flag, so False
    until a coder sets one in the store. Added on writing, not by the pipeline: the store keeps
    the flag with each coding, not with the run, and a run read from a store has the coders' flags."""
    if "coded_by" not in assignments or "quote_candidate" in assignments:
        return assignments
    table = assignments.copy()
    table.insert(table.columns.get_loc("coded_by") + 1, "quote_candidate", False)
    return table


def check_output_dir(out: str | Path) -> Path:
    """The resolved output directory, refused if it holds anything but an earlier run's files."""
    out = Path(out)
    if out.is_symlink():
        raise InputError("the output path is a symbolic link; give a real directory", file=str(out))
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise InputError("the output path is a file; give a directory", file=str(out))
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in OUTPUT_FILES)
        if foreign:
            raise InputError(
                f"the output directory holds other files ({', '.join(foreign[:3])}); choose a new or empty directory",
                file=str(out),
            )
    if out == Path.cwd() or out in Path.cwd().parents:
        raise InputError("the output directory is the current directory or above it; name a subdirectory", file=str(out))
    return out


def assignments_csv(result: RunResult) -> str:
    """``assignments.csv`` as ``run`` and ``export`` write it (the app's download is the same file)."""
    return neutral_table(with_quote_flags(result.assignments)).to_csv(index=False, lineterminator="\n")


def write_run(result: RunResult, out: str | Path) -> Path:
    """Write manifest.json, themes.csv and assignments.csv (text cells neutral for spreadsheets,
    see :mod:`fritekst.spreadsheet`); swap them in for ``out`` only when all are written, an
    earlier run in ``out`` staying until then (:func:`fritekst.files.written_whole`)."""
    out = check_output_dir(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot write there ({error.strerror or error})", file=str(out)) from None
    with written_whole(out, directory=True) as staging:
        (staging / "assignments.csv").write_text(assignments_csv(result), encoding="utf-8")
        neutral_table(result.themes).to_csv(staging / "themes.csv", index=False, encoding="utf-8", lineterminator="\n")
        (staging / "manifest.json").write_text(
            json.dumps(result.manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        if result.codebook is not None:
            (staging / "codebook.yaml").write_text(dump_codebook(result.codebook), encoding="utf-8")
    return out


def read_run(directory: str | Path) -> RunResult:
    """The run a run directory holds, as :func:`write_run` wrote it (formula-like cells restored)."""
    directory = Path(directory)
    missing = [name for name in REQUIRED_OUTPUT_FILES if not (directory / name).is_file()]
    if missing:
        raise InputError(
            f"not a fritekst run directory (missing {', '.join(missing)}); make one with `fritekst run`",
            file=str(directory),
        )
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"manifest.json is damaged ({error}); run `fritekst run` again", file=str(directory)) from None
    themes = typed(_read_table(directory / "themes.csv", THEME_COLUMNS), str(directory / "themes.csv"))
    assignments = typed(_read_table(directory / "assignments.csv", ASSIGNMENT_COLUMNS), str(directory / "assignments.csv"))
    if "blank" not in assignments:  # written before blank cells were told apart
        assignments["blank"] = assignments["text"].eq("")
    codebook = load_codebook(directory / "codebook.yaml") if (directory / "codebook.yaml").is_file() else None
    return RunResult(assignments, themes, manifest, codebook)


def _read_table(path: Path, required: list[str]) -> pd.DataFrame:
    """A table of the run as text, as it was before formula-like cells were neutralised."""
    try:
        table = restored_table(pd.read_csv(path, dtype=str, keep_default_na=False))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read it ({error})", file=str(path)) from None
    absent = [column for column in required if column not in table.columns]
    if absent:
        raise InputError(f"column(s) {', '.join(absent)} missing; the file is not fritekst output", file=str(path))
    return table
