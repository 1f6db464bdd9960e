#!/usr/bin/env python3
"""Build the fictional example survey from its hand-written source.

    python examples/build_example_survey.py            # (re)write the outputs
    python examples/build_example_survey.py --check    # exit 1 if the outputs are stale

Input:  examples/answers_source.yaml  (hand-written answers, municipalities, theme plan)
Output: examples/kommuneundersokelsen_fiktiv.xlsx        Questback-style export, sheet "Svar":
                                                         row 1 variable names, row 2 question
                                                         texts, one row per respondent
        examples/kommuneundersokelsen_fiktiv_fasit.csv   answer key: one row per non-empty open
                                                         answer with language, theme codes,
                                                         non-answer flag and planted personal data

The build is deterministic: rows are sorted by (wave, respondent id), nothing is random, the
workbook's timestamps are fixed and the zip container is rewritten with fixed entry dates, so
the same source gives byte-identical files. Only openpyxl and PyYAML are needed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "answers_source.yaml"
XLSX = HERE / "kommuneundersokelsen_fiktiv.xlsx"
FASIT = HERE / "kommuneundersokelsen_fiktiv_fasit.csv"

FIXED_DATETIME = dt.datetime(2025, 1, 1, 0, 0, 0)
FIXED_W3CDTF = "2025-01-01T00:00:00Z"
ZIP_DATE = (2025, 1, 1, 0, 0, 0)

NON_ANSWER = "ikke-svar"
LANGUAGES = ("nb", "nn", "en")
PII_KINDS = ("navn", "telefon", "epost", "helseopplysninger", "fodselsnummer", "adresse")
MUNICIPALITY_FIELDS = (
    "kommunenr", "kommune", "fylke", "landsdel", "storrelse", "sentralitet", "bosetter_flyktninger",
)


class SourceError(Exception):
    """The YAML source breaks one of the rules checked in ``validate``."""


def load_source(path: Path = SOURCE) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def split_codes(value: str | None) -> list[str]:
    if value is None:
        return []
    return [c.strip() for c in str(value).split("+") if c.strip()]


def validate(src: dict) -> None:
    """Check the source for the mistakes a hand-edit can make; raise SourceError listing all."""
    errors: list[str] = []
    questions = src["questions"]
    columns = [q["column"] for q in questions]
    open_qs = {q["column"]: q for q in questions if q.get("open")}
    closed_qs = {
        q["column"]: q for q in questions
        if "asked_to" in q and not q.get("open")
    }
    roles = sorted({r for q in questions for r in q.get("asked_to", [])})
    themes = src["themes"]
    waves = src["meta"]["waves"]
    munis = {m["kommune"]: m for m in src["municipalities"]}
    if len(munis) != len(src["municipalities"]):
        errors.append("municipalities: duplicate kommune name")
    for m in src["municipalities"]:
        missing = [f for f in MUNICIPALITY_FIELDS if f not in m]
        if missing:
            errors.append(f"municipality {m.get('kommune')!r}: missing {missing}")
        if not re.fullmatch(r"\d{4}", str(m.get("kommunenr", ""))):
            errors.append(f"municipality {m.get('kommune')!r}: kommunenr must be 4 digits as text")
    for col in open_qs:
        if col not in themes:
            errors.append(f"themes: no theme plan for open question {col}")

    allowed = {"id", "ar", "kommune", "rolle", "stilling", "sprak", "pii"}
    for col in open_qs:
        prefix = col.split("_")[0]
        allowed |= {col, f"{prefix}_tema", f"{prefix}_sprak"}
    allowed |= set(closed_qs)

    seen: set[int] = set()
    for r in src["respondents"]:
        rid = r.get("id")
        where = f"respondent {rid}"
        if not isinstance(rid, int) or rid in seen:
            errors.append(f"{where}: id missing, not an integer or duplicated")
        seen.add(rid)
        for key in r:
            if key not in allowed:
                errors.append(f"{where}: unknown key {key!r}")
        if r.get("ar") not in waves:
            errors.append(f"{where}: ar {r.get('ar')!r} is not one of {waves}")
        if r.get("kommune") not in munis:
            errors.append(f"{where}: unknown kommune {r.get('kommune')!r}")
        if r.get("rolle") not in roles:
            errors.append(f"{where}: rolle {r.get('rolle')!r} is not one of {roles}")
        if r.get("sprak", "nb") not in LANGUAGES:
            errors.append(f"{where}: sprak must be one of {LANGUAGES}")
        for col, q in closed_qs.items():
            if col in r:
                if r["rolle"] not in q["asked_to"]:
                    errors.append(f"{where}: {col} was not asked to {r['rolle']}")
                if "values" in q and r[col] not in q["values"]:
                    errors.append(f"{where}: {col}={r[col]!r} is not one of {q['values']}")
        for col, q in open_qs.items():
            prefix = col.split("_")[0]
            text, codes = r.get(col), split_codes(r.get(f"{prefix}_tema"))
            if text is None:
                if codes or f"{prefix}_sprak" in r:
                    errors.append(f"{where}: {prefix}_tema/_sprak given without an answer to {col}")
                continue
            if r["rolle"] not in q["asked_to"]:
                errors.append(f"{where}: {col} was not asked to {r['rolle']}")
            if not isinstance(text, str) or not text.strip():
                errors.append(f"{where}: {col} must be non-empty text (leave the key out for a blank)")
            if not codes:
                errors.append(f"{where}: {col} has no {prefix}_tema")
            for c in codes:
                if c != NON_ANSWER and c not in themes[col]:
                    errors.append(f"{where}: unknown theme {c!r} for {col}")
            if NON_ANSWER in codes and len(codes) > 1:
                errors.append(f"{where}: {col}: {NON_ANSWER!r} cannot be combined with themes")
            if r.get(f"{prefix}_sprak", "nb") not in LANGUAGES:
                errors.append(f"{where}: {prefix}_sprak must be one of {LANGUAGES}")
        for col, kinds in (r.get("pii") or {}).items():
            if col not in open_qs or col not in r:
                errors.append(f"{where}: pii refers to {col!r}, which is not an answered open question")
            for k in kinds:
                if k not in PII_KINDS:
                    errors.append(f"{where}: unknown pii kind {k!r}")

    # The same municipality must look the same in every wave: attributes live in one table,
    # so this only guards against two rows for one kommune with different kommunenr.
    by_nr: dict[str, set[str]] = {}
    for m in src["municipalities"]:
        by_nr.setdefault(str(m["kommunenr"]), set()).add(m["kommune"].split(" (")[0])
    for nr, names in by_nr.items():
        if len(names) > 1:
            errors.append(f"kommunenr {nr} is used for different municipalities {sorted(names)}")
    if columns[:2] != ["respondent_id", "undersokelse_ar"]:
        errors.append("questions: the first two columns must be respondent_id, undersokelse_ar")
    if errors:
        raise SourceError("answers_source.yaml is invalid:\n  " + "\n  ".join(errors))


def rows(src: dict) -> list[dict]:
    """One dict per respondent, keyed by output column, sorted by wave and id."""
    munis = {m["kommune"]: m for m in src["municipalities"]}
    out = []
    for r in sorted(src["respondents"], key=lambda r: (r["ar"], r["id"])):
        m = munis[r["kommune"]]
        row = {
            "respondent_id": r["id"],
            "undersokelse_ar": r["ar"],
            "rolle": r["rolle"],
            "stilling": r.get("stilling"),
        }
        row.update({f: m[f] for f in MUNICIPALITY_FIELDS})
        row["kommunenr"] = str(m["kommunenr"])
        for q in src["questions"]:
            if q["column"] in r:
                row[q["column"]] = r[q["column"]]
        out.append(row)
    return out


def fasit_rows(src: dict) -> list[dict]:
    """The answer key: one row per non-empty open answer."""
    munis = {m["kommune"]: m for m in src["municipalities"]}
    open_cols = [q["column"] for q in src["questions"] if q.get("open")]
    out = []
    for r in sorted(src["respondents"], key=lambda r: (r["ar"], r["id"])):
        for col in open_cols:
            if col not in r:
                continue
            prefix = col.split("_")[0]
            codes = split_codes(r[f"{prefix}_tema"])
            out.append({
                "respondent_id": r["id"],
                "undersokelse_ar": r["ar"],
                "kommunenr": str(munis[r["kommune"]]["kommunenr"]),
                "kommune": r["kommune"],
                "rolle": r["rolle"],
                "sporsmal": col,
                "sprak": r.get(f"{prefix}_sprak", r.get("sprak", "nb")),
                "ikke_svar": int(codes == [NON_ANSWER]),
                "tema": "" if codes == [NON_ANSWER] else ";".join(codes),
                "personopplysninger": ";".join((r.get("pii") or {}).get(col, [])),
                "tekst": r[col],
            })
    return out


def _normalise_xlsx(raw: bytes) -> bytes:
    """Rewrite the zip with fixed entry dates and a fixed 'modified' time in docProps/core.xml."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    lambda m: m.group(1) + FIXED_W3CDTF + m.group(2),
                    text,
                )
                data = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, data)
    return buf.getvalue()


def build_xlsx(src: dict, wave: int | None = None) -> bytes:
    """The export of every wave, or of one (as each year's survey is exported on its own)."""
    questions = src["questions"]
    columns = [q["column"] for q in questions]
    open_cols = {q["column"] for q in questions if q.get("open")}
    data = [row for row in rows(src) if wave is None or row["undersokelse_ar"] == wave]

    wb = Workbook()
    ws = wb.active
    ws.title = src["meta"].get("sheet", "Svar")
    ws.append(columns)
    ws.append([q["text"] for q in questions])
    for row in data:
        ws.append([row.get(c) for c in columns])

    bold, italic = Font(bold=True), Font(italic=True)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    for cell in ws[1]:
        cell.font = bold
    for cell in ws[2]:
        cell.font = italic
        cell.alignment = wrap_top
    for idx, col in enumerate(columns, start=1):
        letter = ws.cell(row=1, column=idx).column_letter
        if col in open_cols:
            ws.column_dimensions[letter].width = 70
            for (cell,) in ws.iter_rows(min_row=3, min_col=idx, max_col=idx):
                cell.alignment = wrap_top
        elif col in ("kommune", "stilling", "q16_anmodning"):
            ws.column_dimensions[letter].width = 30
        else:
            ws.column_dimensions[letter].width = 16
    ws.freeze_panes = "A3"

    n_resp = len(data)
    n_open = sum(1 for r in data for c in open_cols if r.get(c) is not None)
    info = wb.create_sheet("Om filen")
    for line in (
        ["FIKTIVE DATA – eksempelfil for fritekst"],
        ["Alle svar, stillinger og personer er oppdiktet. Kommunenavn og kommunenummer er ekte "
         "(kommuneinndelingen fra 2024), men attributtene er omtrentlige og svarene er ikke "
         "knyttet til kommunene i virkeligheten."],
        ["Fire svar inneholder med vilje fiktive personopplysninger (navn, telefon, e-post, "
         "helseopplysninger) for å teste personvernsjekken; se examples/README.md."],
        ["Bygget fra examples/answers_source.yaml med examples/build_example_survey.py."],
        ["Arket «Svar»: rad 1 = variabelnavn, rad 2 = spørsmålstekst, deretter én rad per respondent."],
        [f"Respondenter: {n_resp}. Ikke-tomme fritekstsvar: {n_open}."],
    ):
        info.append(line)
    info["A1"].font = bold
    info.column_dimensions["A"].width = 120

    props = wb.properties
    props.creator = "fritekst examples/build_example_survey.py"
    props.lastModifiedBy = "fritekst examples/build_example_survey.py"
    props.title = src["meta"]["title"]
    props.created = FIXED_DATETIME
    props.modified = FIXED_DATETIME

    raw = io.BytesIO()
    wb.save(raw)
    return _normalise_xlsx(raw.getvalue())


def build_fasit(src: dict) -> bytes:
    records = fasit_rows(src)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buf.getvalue().encode("utf-8")


def summary(src: dict) -> str:
    data = rows(src)
    open_cols = [q["column"] for q in src["questions"] if q.get("open")]
    lines = [f"respondents: {len(data)}"]
    for wave in src["meta"]["waves"]:
        in_wave = [r for r in data if r["undersokelse_ar"] == wave]
        roles = {}
        for r in in_wave:
            roles[r["rolle"]] = roles.get(r["rolle"], 0) + 1
        lines.append(f"  {wave}: {len(in_wave)} {dict(sorted(roles.items()))}")
    for col in open_cols:
        lines.append(f"  {col}: {sum(1 for r in data if r.get(col) is not None)} non-empty")
    lines.append(f"  open answers total: {sum(1 for r in data for c in open_cols if r.get(c) is not None)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the files on disk differ from a fresh build")
    args = parser.parse_args(argv)

    src = load_source()
    try:
        validate(src)
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return 2
    outputs = {XLSX: build_xlsx(src), FASIT: build_fasit(src)}
    for wave in sorted({r["ar"] for r in src["respondents"]}):
        outputs[HERE / f"kommuneundersokelsen_fiktiv_{wave}.xlsx"] = build_xlsx(src, wave)

    if args.check:
        stale = [p.name for p, b in outputs.items() if not p.exists() or p.read_bytes() != b]
        if stale:
            print("stale: " + ", ".join(stale) + " (run python examples/build_example_survey.py)",
                  file=sys.stderr)
            return 1
        print("up to date: " + ", ".join(p.name for p in outputs))
        return 0

    for path, content in outputs.items():
        path.write_bytes(content)
        print(f"wrote {path.relative_to(HERE.parent)} ({len(content)} bytes)")
    print(summary(src))
    return 0


if __name__ == "__main__":
    sys.exit(main())
