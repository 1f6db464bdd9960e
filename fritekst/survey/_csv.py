"""Delimited text exports: encoding from the BOM, delimiter by sniffing.

Encoding is decided in a fixed, explainable order rather than by statistical
guessing: a BOM names it (UTF-8, or UTF-16 LE/BE as in Excel's "Unicode text");
otherwise the file must be strict UTF-8 or else Windows-1252, the two encodings
Norwegian Excel writes. A file that is mostly UTF-8 but has a few bytes that are
not is refused, naming the row, because reading it as Windows-1252 would turn
every "æøå" in it into "Ã¦Ã¸Ã¥".
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from fritekst.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
_MAGIC = (
    (b"PK\x03\x04", "an Excel workbook (or another zip file); if it is a workbook, rename it to .xlsx"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls file; open it in Excel and save it as .xlsx or CSV UTF-8"),
    (b"$FL2", "an SPSS data file; rename it to .sav"),
    (b"$FL3", "a compressed SPSS data file; rename it to .zsav"),
    (b"%PDF", "a PDF document, not a survey export"),
)
_CODEC_NAMES = {"utf-8": "UTF-8", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "cp1252": "Windows-1252"}
_VALID_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")
_DELIMITERS = (",", ";", "\t")
_SNIFF_RECORDS = 200
_RESAVE = "open it in Excel and save it as 'CSV UTF-8', then try again"


def read_delimited(path: Path, raw: bytes) -> tuple[list[list[str]], str, str]:
    """Return the records of a CSV file, its encoding and its delimiter.

    Record ``i`` is file row ``i + 1`` as Excel numbers rows: blank lines count,
    newlines inside quoted cells do not.
    """
    text, encoding = _decode(path, raw)
    delimiter = _sniff(text)
    with _no_field_limit():
        return _parse(path, text, delimiter), encoding, delimiter


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            body = raw[len(bom) :]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as error:
                raise _undecodable(
                    path, body, codec, error, f"the file starts with a {_CODEC_NAMES[codec]} byte-order mark"
                ) from None
            return _check_text(path, text), name
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise InputError(f"this is {what}", file=str(path))
    if b"\x00" in raw[:65536]:
        raise InputError(
            "this does not look like a text file (it contains NUL bytes). Export the survey as CSV, "
            "XLSX or SAV; UTF-16 text needs a byte-order mark, as Excel's 'Unicode text' has",
            file=str(path),
        )
    try:
        return _check_text(path, raw.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    if _VALID_NON_ASCII.search(raw.decode("utf-8", errors="replace")):
        raise _undecodable(
            path, raw, "utf-8", utf8_error, "the rest of the file is UTF-8 (were two files pasted together?)"
        )
    try:
        return _check_text(path, raw.decode("cp1252")), "cp1252"
    except UnicodeDecodeError as error:
        raise _undecodable(
            path, raw, "cp1252", error, "the file is neither UTF-8 nor Windows-1252 text"
        ) from None


def _check_text(path: Path, text: str) -> str:
    """Refuse decoded text full of control characters: a binary file that happened to decode."""
    sample = text[:65536]
    controls = sum(ch < " " and ch not in "\t\n\r" for ch in sample)
    if controls > max(2, len(sample) // 100):
        raise InputError(
            "this does not look like a text file (it is full of control characters); "
            "export the survey as CSV, XLSX or SAV",
            file=str(path),
        )
    return text


def _undecodable(path: Path, body: bytes, codec: str, error: UnicodeDecodeError, why: str) -> InputError:
    """Name the row and column of the first bad byte, found by parsing the text before it."""
    before = body[: error.start].decode(codec, errors="replace")
    delimiter = _sniff(body.decode(codec, errors="replace"))
    with _no_field_limit():
        records = list(csv.reader(io.StringIO(before + "?", newline=""), delimiter=delimiter))
    header = next(r for r in records if r)
    last = records[-1]
    column = None
    if last is not header and len(last) <= len(header):
        column = header[len(last) - 1].strip() or None
    bad = " ".join(f"0x{byte:02X}" for byte in body[error.start : error.end])
    return InputError(
        f"cannot read {bad} as {_CODEC_NAMES[codec]}: {why}; {_RESAVE}",
        file=str(path),
        row=len(records),
        column=column,
    )


def _sniff(text: str) -> str:
    """Pick the delimiter that splits the header into most columns and the rows alike.

    Rows agreeing with the header outrank a wide header, so that a ';' file whose
    answers contain unquoted commas (as Norwegian Excel writes them) is read by ';'.
    """

    def score(delimiter: str) -> tuple[bool, float, int]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            records = [r for r in itertools.islice(reader, _SNIFF_RECORDS) if r]
        except csv.Error:
            return (False, 0.0, 0)
        if not records:
            return (False, 0.0, 0)
        width = len(records[0])
        agree = sum(len(r) == width for r in records) / len(records)
        return (width > 1, agree, width)

    with _no_field_limit():
        return max(_DELIMITERS, key=score)


def _parse(path: Path, text: str, delimiter: str) -> list[list[str]]:
    """Parse strictly first, only to catch a quote that is never closed.

    The lenient parser would read the rest of the file into that one cell without a
    word; other strict-mode complaints (a stray quote inside a cell) are tolerated.
    """
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            records.append(record)
        return records
    except csv.Error as error:
        if str(error) == "unexpected end of data":
            raise InputError(
                "a quoted cell that starts in this row is never closed, so the rest of the file "
                'would be read into it; add the missing closing quote (")',
                file=str(path),
                row=len(records) + 1,
            ) from None
    records = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            records.append(record)
    except csv.Error as error:
        raise InputError(
            f"cannot parse this row ({error}); check its quotes", file=str(path), row=len(records) + 1
        ) from None
    return records


@contextlib.contextmanager
def _no_field_limit() -> Iterator[None]:
    """Lift the csv module's 128 KiB field cap, so our own limit can name the cell and its size."""
    old = csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(old)
