"""Codes made under earlier codebook versions, read under today's codebook."""

import pandas as pd

from fritekst.codebook import load_codebook, merge_category, new_version, split_category
from fritekst.coding import NEEDS_CODER, codes_today

CODEBOOK = "codebooks/imdi_kommuneundersokelsen.yaml"


def _later_versions():
    """v2 merges bolig into tolk; v3 merges tolk into arbeidsmarked and splits helse_psykiatri."""
    v1 = load_codebook(CODEBOOK)
    v2 = new_version(v1, merge_category(v1, "bolig", "tolk"))
    v3 = new_version(v2, merge_category(v2, "tolk", "arbeidsmarked"))
    v4 = new_version(v3, split_category(v3, "helse_psykiatri", [("helse_fysisk", "Fysisk helse"), ("helse_psykisk", "Psykisk helse")]))
    return v1, v4


def test_merges_are_followed_through_every_later_version_and_split_codes_need_a_coder():
    v1, today = _later_versions()
    table = pd.DataFrame({
        "id": ["a", "b", "c", "d", "e"],
        "code_id": ["bolig", "helse_psykiatri", "helse_psykiatri", "", "frivillig_sektor"],
        "codes": ["bolig;tolk", "helse_psykiatri", "helse_psykiatri;bolig", "", "frivillig_sektor"],
    })
    mapped, unmapped = codes_today(table, today)
    assert mapped["code_id"].tolist() == ["arbeidsmarked", "", "arbeidsmarked", "", "frivillig_sektor"]
    # bolig and tolk both lead to arbeidsmarked: counted once, not twice
    assert mapped["codes"].tolist() == ["arbeidsmarked", "", "arbeidsmarked", "", "frivillig_sektor"]
    assert mapped[NEEDS_CODER].tolist() == [False, True, True, False, False]
    assert unmapped == ("helse_psykiatri",)
    assert table["code_id"].tolist()[1] == "helse_psykiatri"  # the caller's table is left as it was


def test_without_a_codebook_nothing_changes_but_the_flag_column_is_there():
    table = pd.DataFrame({"code_id": ["bolig"], "codes": ["bolig"]})
    mapped, unmapped = codes_today(table, None)
    assert mapped["code_id"].tolist() == ["bolig"] and mapped[NEEDS_CODER].tolist() == [False] and unmapped == ()


def test_a_table_with_only_code_id_is_mapped_too():
    _, today = _later_versions()
    mapped, _ = codes_today(pd.DataFrame({"code_id": ["tolk", "helse_psykiatri"]}), today)
    assert mapped["code_id"].tolist() == ["arbeidsmarked", ""] and "codes" not in mapped


def test_store_codings_keep_their_columns_follow_merges_and_lose_only_what_needs_a_coder():
    from fritekst.coding import codings_today

    _, today = _later_versions()
    codings = pd.DataFrame({
        "segment_id": [1, 2, 3, 4],
        "coder": ["kari", "ola", "kari", "ola"],
        "code_id": ["bolig", "helse_psykiatri", "helse_psykiatri", ""],
        "extra_codes": [None, None, "frivillig_sektor", None],
    })
    mapped = codings_today(codings, today)
    assert list(mapped.columns) == list(codings.columns)
    assert mapped["segment_id"].tolist() == [1, 3, 4]  # ola's split code says nothing about today
    assert mapped["code_id"].tolist() == ["arbeidsmarked", "frivillig_sektor", ""]
    assert mapped["extra_codes"].tolist() == [None, None, None]
