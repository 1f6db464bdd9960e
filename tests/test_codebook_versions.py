"""Codebook versions: the diff, saving a new version with its change log, mapping old codes to
today's ids, one clear line for every broken history, and `fritekst codebook diff`."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from fritekst.cli import app
from fritekst.codebook import (
    Change, Rename, diff_codebooks, harmonise, load_codebook, new_version, render_diff, save_codebook,
)
from fritekst.coding import category_prototypes
from fritekst.errors import InputError

DAY = datetime.date(2026, 11, 23)

V3 = """\
name: Kommuneundersøkelsen – åpne svar
version: 3
categories:
  - id: barrierer
    label: Barrierer mot bosetting
  - id: bolig
    label: Mangel på boliger
    keywords: [bolig, husleie]
    parent: barrierer
  - id: leiebolig
    label: Leieboliger
    parent: barrierer
  - id: arbeid
    label: Arbeid og kvalifisering
    parent: barrierer
  - id: gammel
    label: Gammel kategori
    parent: barrierer
  - id: nav
    label: Samarbeid med NAV
    description: Svar om NAV.
"""

# An edit of version 3, as a person makes it: merge, split and retire marked, one category deleted.
EDITED = (
    V3.replace("label: Mangel på boliger", "label: Mangel på egnede boliger")
    .replace("    label: Leieboliger\n", "    label: Leieboliger\n    retired: 4\n    merged_into: bolig\n")
    .replace("    label: Arbeid og kvalifisering\n",
             "    label: Arbeid og kvalifisering\n    retired: 4\n    split_into: [kvalifisering, jobb]\n")
    .replace("  - id: gammel\n    label: Gammel kategori\n    parent: barrierer\n", "")
    .replace("    description: Svar om NAV.\n", "    description: Svar om NAV-kontoret.\n    keywords: [nav]\n")
    + "  - id: tolk\n    label: Tolketjenester\n"
    + "  - id: kvalifisering\n    label: Kvalifisering\n    parent: barrierer\n"
    + "  - id: jobb\n    label: Jobbmuligheter\n    parent: barrierer\n"
)


def write(tmp_path, name: str, source: str):
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path


@pytest.fixture
def saved_v4(tmp_path):
    """Version 4 as fritekst saves it: ``new_version`` of the edit, written and read back."""
    old, edited = load_codebook(write(tmp_path, "v3.yaml", V3)), load_codebook(write(tmp_path, "edit.yaml", EDITED))
    return save_codebook(new_version(old, edited, date=DAY), tmp_path / "v4.yaml")


def test_the_diff_names_every_kind_of_change(tmp_path):
    edited = load_codebook(write(tmp_path, "edit.yaml", EDITED.replace("version: 3", "version: 4")))
    diff = diff_codebooks(load_codebook(write(tmp_path, "v3.yaml", V3)), edited)
    assert diff.added == ("tolk", "kvalifisering", "jobb")
    assert diff.renamed == {"bolig": Rename(from_="Mangel på boliger", to="Mangel på egnede boliger")}
    assert diff.merged == {"leiebolig": "bolig"}
    assert diff.split == {"arbeid": ("kvalifisering", "jobb")}
    assert diff.retired == ()
    assert diff.edited == {"nav": ("description", "keywords")}
    assert diff.removed == ("gammel",) and diff.reactivated == () and not diff.reordered
    assert render_diff(diff).splitlines() == [
        "Codebook version 3 -> 4",
        'added: tolk "Tolketjenester"',
        'added: kvalifisering "Kvalifisering"',
        'added: jobb "Jobbmuligheter"',
        'renamed: bolig "Mangel på boliger" -> "Mangel på egnede boliger"',
        'merged: leiebolig "Leieboliger" into bolig "Mangel på egnede boliger"',
        'split: arbeid "Arbeid og kvalifisering" into kvalifisering "Kvalifisering", jobb "Jobbmuligheter"',
        "edited: nav (description, keywords)",
        'removed: gammel "Gammel kategori" (deleted; a category that leaves must stay in the file, retired)',
    ]


def test_the_diff_of_a_codebook_with_itself_is_empty(tmp_path):
    codebook = load_codebook(write(tmp_path, "v3.yaml", V3))
    diff = diff_codebooks(codebook, codebook)
    assert not diff
    assert render_diff(diff) == "Codebook version 3: no differences"


def test_a_new_version_is_numbered_recorded_and_keeps_deleted_categories(saved_v4):
    codebook = load_codebook(saved_v4)
    assert codebook.version == 4
    assert codebook.changes == (
        Change(
            version=4, date=DAY, added=("tolk", "kvalifisering", "jobb"),
            renamed={"bolig": Rename(from_="Mangel på boliger", to="Mangel på egnede boliger")},
            merged={"leiebolig": "bolig"}, split={"arbeid": ("kvalifisering", "jobb")}, retired=("gammel",),
            edited={"nav": ("description", "keywords")},
        ),
    )
    gammel = codebook.category("gammel")
    assert (gammel.label, gammel.retired, gammel.parent) == ("Gammel kategori", 4, "barrierer")
    text = saved_v4.read_text(encoding="utf-8")
    assert "date: 2026-11-23\n" in text and "from: Mangel på boliger\n" in text


def test_a_saved_codebook_with_history_round_trips(saved_v4, tmp_path):
    codebook = load_codebook(saved_v4)
    again = load_codebook(save_codebook(codebook, tmp_path / "igjen.yaml"))
    assert again == codebook
    assert (tmp_path / "igjen.yaml").read_text(encoding="utf-8") == saved_v4.read_text(encoding="utf-8")


def test_the_retired_number_is_the_new_version_whatever_the_edit_said(tmp_path):
    old = load_codebook(write(tmp_path, "v3.yaml", V3))
    edited = load_codebook(write(tmp_path, "edit.yaml", EDITED.replace("retired: 4", "retired: 1")))
    saved = new_version(old, edited, date=DAY)
    assert {saved.category(i).retired for i in ("leiebolig", "arbeid", "gammel")} == {4}


def test_an_edit_of_an_outdated_version_is_refused(saved_v4, tmp_path):
    outdated = load_codebook(write(tmp_path, "v3.yaml", V3))
    with pytest.raises(InputError) as caught:
        new_version(load_codebook(saved_v4), outdated)
    assert str(caught.value) == (
        "edited version 3, but the codebook is at version 4; reload it and apply your change again"
    )


def test_saving_without_a_change_keeps_the_version(saved_v4):
    codebook = load_codebook(saved_v4)
    assert new_version(codebook, codebook) is codebook
    assert new_version(codebook, load_codebook(saved_v4)) is codebook


def test_a_retired_category_cannot_come_back(saved_v4):
    """Made in Python, as an editor would (in the file, the change log already says it is retired)."""
    old = load_codebook(saved_v4)
    back = tuple(c.model_copy(update={"retired": None, "merged_into": None}) if c.id == "leiebolig" else c
                 for c in old.categories)
    with pytest.raises(InputError, match="'leiebolig' retired in an earlier version and cannot be made active again"):
        new_version(old, old.model_copy(update={"categories": back}))


def test_a_retirement_is_history(saved_v4, tmp_path):
    source = saved_v4.read_text(encoding="utf-8").replace("merged_into: bolig", "merged_into: nav")
    with pytest.raises(InputError, match="the retirement of 'leiebolig' is history"):
        new_version(load_codebook(saved_v4), load_codebook(write(tmp_path, "omskrevet.yaml", source)))


def test_a_new_version_keeps_the_rules(tmp_path):
    """Merging into a category that is retired in the same version leaves its answers nowhere
    (the file hid it by retiring the target "later"; new_version gives both the same version)."""
    old = load_codebook(write(tmp_path, "v3.yaml", V3))
    source = (V3.replace("    label: Leieboliger\n", "    label: Leieboliger\n    retired: 4\n    merged_into: gammel\n")
              .replace("    label: Gammel kategori\n", "    label: Gammel kategori\n    retired: 5\n"))
    edited = load_codebook(write(tmp_path, "edit.yaml", source))
    with pytest.raises(InputError) as caught:
        new_version(old, edited)
    assert str(caught.value) == (
        "categories.2.merged_into: 'leiebolig' (retired in version 4) went on to 'gammel', which was retired "
        "in version 4; name the category that took over its answers"
    )


def test_retired_categories_are_not_codable_or_suggested(saved_v4):
    codebook = load_codebook(saved_v4)
    retired = {"leiebolig", "arbeid", "gammel"}
    assert retired <= set(codebook.ids)
    assert not retired & {c.id for c in codebook.codable()}
    ids, _ = category_prototypes(codebook, lambda texts: np.ones((len(texts), 3), dtype=np.float32))
    assert ids == ["bolig", "nav", "tolk", "kvalifisering", "jobb"]


def test_a_heading_whose_children_are_all_retired_is_codable_again(tmp_path):
    codebook = load_codebook(write(tmp_path, "kb.yaml", """\
name: Kodebok
version: 2
categories:
  - id: samarbeid
    label: Samarbeid
  - id: fylket
    label: Fylkeskommunen
    parent: samarbeid
    retired: 2
"""))
    assert [c.id for c in codebook.codable() if not c.special] == ["samarbeid"]


HISTORY = """\
name: Kodebok
version: 5
categories:
  - id: a
    label: A
    retired: 2
    merged_into: b
  - id: b
    label: B
    retired: 4
    merged_into: c
  - id: c
    label: C
  - id: d
    label: D
    retired: 3
    split_into: [e, f]
  - id: e
    label: E
  - id: f
    label: F
  - id: g
    label: G
    retired: 5
  - id: h
    label: H
    retired: 2
    merged_into: d
"""


def test_harmonise_follows_merges_and_lists_what_needs_a_coder(tmp_path):
    codebook = load_codebook(write(tmp_path, "kb.yaml", HISTORY))
    codes, unmapped = harmonise(pd.Series(["a", "b", "c", "d", "g", "h", "e", "", "ukjent"]), codebook)
    assert codes == ["c", "c", "c", "d", "g", "d", "e", "", "ukjent"]
    assert unmapped == ("d", "g")


V4 = """\
name: Kodebok
version: 4
categories:
  - id: bolig
    label: Mangel på egnede boliger
  - id: leiebolig
    label: Leieboliger
    retired: 4
    merged_into: bolig
  - id: arbeid
    label: Arbeid
    retired: 3
    split_into: [nav, tolk]
  - id: nav
    label: NAV
  - id: tolk
    label: Tolk
changes:
  - version: 3
    split: {arbeid: [nav, tolk]}
  - version: 4
    date: 2026-11-23
    renamed: {bolig: {from: Mangel på boliger, to: Mangel på egnede boliger}}
    merged: {leiebolig: bolig}
"""

BAD = {
    "merge into unknown": (V4.replace("merged_into: bolig", "merged_into: boliger"), "line 9", "unknown category 'boliger'"),
    "merge into retired": (V4.replace("merged_into: bolig", "merged_into: arbeid"), "line 9",
                           "went on to 'arbeid', which was retired in version 3"),
    "merge into itself": (V4.replace("merged_into: bolig", "merged_into: leiebolig"), "line 9", "retired in version 4"),
    "split into unknown": (V4.replace("[nav, tolk]\n  - id: nav", "[nav, tolken]\n  - id: nav"), "line 13",
                           "unknown category 'tolken'"),
    "empty split": (V4.replace("split_into: [nav, tolk]", "split_into: []"), "line 13", "split_into is empty"),
    "blank split": (V4.replace("split_into: [nav, tolk]", "split_into:"), "line 13", "split_into is empty"),
    "merge and split": (V4.replace("    merged_into: bolig\n", "    merged_into: bolig\n    split_into: [nav]\n"),
                        "line 10", "either merged_into one category or split_into several"),
    "successor of an active category": (V4.replace("    retired: 4\n", ""), "line 8",
                                        "only a retired category has merged_into"),
    "retired not a version": (V4.replace("retired: 4", "retired: 0"), "line 8", "greater than or equal to 1"),
    "retired without a version": (V4.replace("retired: 4", "retired: true"), "line 8",
                                  "categories.1.retired: Input should be a valid integer"),
    "reused retired id": (V4.replace("  - id: nav\n", "  - id: leiebolig\n    label: Ny\n  - id: nav\n"), "line 14",
                          "id 'leiebolig' belongs to a retired category (line 6); ids are never reused"),
    "active child of a retired parent": (V4.replace("    label: NAV\n", "    label: NAV\n    parent: arbeid\n"), "line 16",
                                         "'nav' has retired parent 'arbeid'"),
    "retired special": (V4.replace("changes:", "  - id: annet\n    label: Annet\n    retired: 4\nchanges:"), "line 20",
                        "'annet' is a special category"),
    "change ahead of the codebook": (V4.replace("  - version: 4", "  - version: 5"), "line 21",
                                     "a change for version 5, but the codebook is at version 4"),
    "changes out of order": (V4.replace("  - version: 3", "  - version: 4"), "line 21",
                             "version 4 after version 4; list changes oldest first"),
    "change names an unknown id": (V4.replace("merged: {leiebolig: bolig}", "merged: {leiebolig: boliger}"), "line 24",
                                   "'boliger' is not a category in this codebook"),
    "change names a deleted id": (V4.replace("  - version: 4\n", "  - version: 4\n    added: [tolkk]\n"), "line 22",
                                  "'tolkk' is not a category in this codebook"),
    "change retires an active id": (V4.replace("merged: {leiebolig: bolig}", "retired: [nav]"), "line 24",
                                    "the change retires 'nav', but the category has no 'retired:'"),
    "change without version": (V4.replace("  - version: 3\n    split", "  - split"), "line 19",
                               "changes.0.version: Field required"),
    "change with a bad date": (V4.replace("date: 2026-11-23", "date: 23.11.2026"), "line 22",
                               "changes.1.date: Input should be a valid date"),
}


def test_the_history_fixture_is_valid(tmp_path):
    codebook = load_codebook(write(tmp_path, "kb.yaml", V4))
    assert [change.version for change in codebook.changes] == [3, 4]


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_every_broken_history_gives_one_clear_line(case, tmp_path):
    source, where, what = BAD[case]
    path = write(tmp_path, "kodebok.yaml", source)
    with pytest.raises(InputError) as caught:
        load_codebook(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {where}: ") and "\n" not in message, message
    assert what in message, message


runner = CliRunner()


def test_cli_diff_of_the_same_codebook_exits_0(tmp_path):
    path = write(tmp_path, "v3.yaml", V3)
    result = runner.invoke(app, ["codebook", "diff", str(path), str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Codebook version 3: no differences\n"


def test_cli_diff_of_two_versions_exits_1_and_prints_the_changes(saved_v4, tmp_path):
    result = runner.invoke(app, ["codebook", "diff", str(write(tmp_path, "v3.yaml", V3)), str(saved_v4)])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Codebook version 3 -> 4"
    assert 'retired: gammel "Gammel kategori"' in lines
    assert 'merged: leiebolig "Leieboliger" into bolig "Mangel på egnede boliger"' in lines
    assert not any(line.startswith("removed") for line in lines)


def test_cli_diff_of_a_broken_codebook_exits_2_with_one_line(tmp_path):
    good = write(tmp_path, "v3.yaml", V3)
    bad = write(tmp_path, "v4.yaml", V4.replace("merged_into: bolig", "merged_into: boliger"))
    result = runner.invoke(app, ["codebook", "diff", str(good), str(bad)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {bad}: line 9: 'leiebolig' went on to unknown category 'boliger'; " \
        "name a category in this file (retired ones stay in it)\n"
    assert result.stdout == ""


def test_merge_and_split_edits_record_their_history(tmp_path):
    from fritekst.codebook import load_codebook, merge_category, new_version, split_category

    from pathlib import Path

    old = load_codebook(Path(__file__).resolve().parents[1] / "codebooks" / "imdi_kommuneundersokelsen.yaml")
    merged = new_version(old, merge_category(old, "tolk", "kvalifisering_tjenester"))
    assert merged.version == 2 and merged.category("tolk").merged_into == "kvalifisering_tjenester"
    assert merged.changes[-1].merged == {"tolk": "kvalifisering_tjenester"}
    split = new_version(merged, split_category(merged, "bolig", [("leiebolig", "Leieboliger"), ("boligpris", "Boligpriser")]))
    assert split.category("bolig").split_into == ("leiebolig", "boligpris")
    assert split.category("leiebolig").parent == old.category("bolig").parent
    assert "bolig" not in [c.id for c in split.codable()]
    with pytest.raises(InputError, match="into itself"):
        merge_category(old, "tolk", "tolk")
    with pytest.raises(InputError, match="at least two"):
        split_category(old, "bolig", [("leiebolig", "Leieboliger")])
