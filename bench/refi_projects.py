"""Real REFI-QDA projects from other programs into a throw-away store: what each holds against
what fritekst imported (codes, levels, sources, codings), what it could not map, and whether the
coded ranges cut the texts where a person would (at word edges: a position counted in other
units, bytes or UTF-16, shifts ranges into the middle of words).

The files are not in the repository (licences, and interviews with real people): fetch them and
name them on the command line; bench/results/refi_projects.md says where each came from.

    python bench/refi_projects.py nvivo.qdpx qc_demo.qdpx qualcoder.qdpx > bench/results/refi_projects.md
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from fritekst.refi import import_project, read_project
from fritekst.store import open_store


def at_word_edges(text: str, start: int, end: int) -> bool:
    """Whether neither end of ``text[start:end]`` splits a word."""
    def inside(i: int) -> bool:
        return 0 < i < len(text) and text[i - 1].isalnum() and text[i].isalnum()

    return not inside(start) and not inside(end)


def main(paths: list[str]) -> None:
    print("| file | program | codes (file / imported) | levels | text sources (file / imported) "
          "| codings (file / imported) | coded ranges at word edges | coders | not mapped |")
    print("|---|---|---|---|---|---|---|---|---|")
    for path in paths:
        ranges = [(s.text, sel.start, sel.end) for s in read_project(path).sources for sel in s.selections]
        edges = sum(at_word_edges(*r) for r in ranges)
        with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "p") as store:
            report = import_project(path, store)
            people = store.current_codings()
        unmapped = "; ".join(f"{n} {kind}" for kind, n in report.unmapped.items()) or "—"
        print(f"| {Path(path).name} | {report.origin} | {report.codes_in_file} / {report.codes} | {report.levels} "
              f"| {report.sources} / {report.answers} | {report.codings_in_file} / {report.codings} "
              f"({len(people)} segment codings) | {edges} / {len(ranges)} | {len(report.users)} | {unmapped} |")


if __name__ == "__main__":
    main(sys.argv[1:])
