"""Real REFI-QDA projects from other programs into a throw-away store: what each holds against
what fritekst imported (codes, levels, sources, codings), and what it could not map.

The files are not in the repository (licences, and interviews with real people): fetch them and
name them on the command line, e.g.

    python bench/refi_projects.py nvivo.qdpx qc_demo.qdpx atlas.qdpx > bench/results/refi_projects.md
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from fritekst.refi import import_project
from fritekst.store import open_store


def main(paths: list[str]) -> None:
    print("| file | program | codes (file / imported) | levels | text sources (file / imported) "
          "| codings (file / imported) | coders | not mapped |")
    print("|---|---|---|---|---|---|---|---|")
    for path in paths:
        with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "p") as store:
            report = import_project(path, store)
            people = store.current_codings()
        unmapped = "; ".join(f"{n} {kind}" for kind, n in report.unmapped.items()) or "—"
        print(f"| {Path(path).name} | {report.origin} | {report.codes_in_file} / {report.codes} | {report.levels} "
              f"| {report.sources} / {report.answers} | {report.codings_in_file} / {report.codings} "
              f"({len(people)} segment codings) | {len(report.users)} | {unmapped} |")


if __name__ == "__main__":
    main(sys.argv[1:])
