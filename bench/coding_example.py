"""Codebook coding on the example survey with the IMDi codebook, by target precision.

The example's answer key plans one or more themes per answer (``tema``); each planned theme
is mapped by hand to the codebook categories that would be right for it (``ACCEPTED``). A
suggestion is correct when its primary code is accepted for any of the answer's themes.
For each target precision (``--code-precision``; 0.9 the default): coverage (share of answers with
a primary code), accuracy among those beside their mean confidence (calibrated on SIB-200, decision
020: this codebook has 30 categories and its own answers), and the share of the most used category
(a category that attracts everything shows here).

    python -m bench.coding_example [--out bench/results/coding_example.md]
"""

from __future__ import annotations

import argparse
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from bench.quality import EXAMPLE_KEY
from fritekst.embed import EmbeddingCache
from fritekst.run import run_survey
from fritekst.settings import build_run_config

ROOT = Path(__file__).resolve().parents[1]
PRECISIONS = (0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
ACCEPTED = {
    "kompetanse": {"kompetanse_ansatte", "ressurser_kompetanse"},
    "regelverk": {"regelverk_veiledning"},
    "bosetting": {"bosettingsprosess", "anmodning_dialog", "usikkerhet_bosetting", "lavt_bosettingsvolum"},
    "statistikk": {"statistikk_kunnskap", "forskning_gode_eksempler"},
    "tilskudd": {"tilskudd"},
    "kartlegging": {"kartlegging_for_bosetting"},
    "kontakt": {"kontakt_imdi"},
    "tolk": {"tolk"},
    "digitalt": {"digitale_verktoy"},
    "samordning": {"internt_samarbeid", "kontakt_imdi"},
    "bolig": {"bolig"},
    "transport": {"transport_avstand"},
    "helse": {"helse_psykiatri"},
    "arbeid": {"arbeidsmarked"},
    "skole": {"skole_barnehage"},
    "bemanning": {"bemanning_kapasitet", "ressurser_kompetanse"},
    "okonomi": {"kommuneokonomi", "tilskudd"},
    "politikk": {"lavt_bosettingsvolum", "anmodning_dialog", "usikkerhet_bosetting"},
    "usikkerhet": {"usikkerhet_bosetting"},
    "ingen": {"annet"},
    "frivillig": {"frivillig_sektor"},
    "naringsliv": {"naringsliv"},
    "fylkeskommunen": {"fylkeskommunen"},
    "nav": {"nav"},
    "interkommunalt": {"internt_samarbeid"},
    "voksenopplaering": {"voksenopplaering", "kvalifisering_tjenester", "introduksjonsprogrammet"},
    "tverrfaglig": {"internt_samarbeid"},
    "godt": {"annet"},
}


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--codebook", type=Path, default=ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml")
    parser.add_argument("--out", type=Path, default=Path("bench/results/coding_example.md"))
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")

    key = pd.read_csv(EXAMPLE_KEY, dtype=str, keep_default_na=False)
    key = key[key["ikke_svar"] == "0"]
    accepted = {(r.respondent_id, r.sporsmal): set().union(*(ACCEPTED[t] for t in r.tema.split(";")))
                for r in key.itertuples()}
    config = build_run_config(config_file=ROOT / "examples" / "demo.yaml", codebook=args.codebook)
    survey = ROOT / "examples" / "kommuneundersokelsen_fiktiv.xlsx"
    rows = []
    for precision in PRECISIONS:
        result = run_survey(survey, replace(config, code_precision=precision), cache=EmbeddingCache())
        answers = result.assignments[result.assignments.apply(lambda r: (r["id"], r["question"]) in accepted, axis=1)]
        coded = answers[answers["code_id"] != ""]
        right = [code in accepted[(i, q)] for i, q, code in zip(coded["id"], coded["question"], coded["code_id"])]
        rows.append({
            "target precision": precision,
            "answers": len(answers),
            "coverage": len(coded) / len(answers),
            "accuracy when coded": float(np.mean(right)) if right else 0.0,
            "mean confidence when coded": float(pd.to_numeric(coded["confidence"]).mean()) if right else 0.0,
            "most used category": coded["code_id"].value_counts().index[0],
            "its share": coded["code_id"].value_counts(normalize=True).iloc[0],
        })
    table = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        "# Coding the example survey with the IMDi codebook, by target precision\n\n"
        f"Codebook `{args.codebook.name}`; truth = the answer key's planned themes mapped to accepted "
        "categories (bench/coding_example.py).\n\n" + table.to_markdown(index=False, floatfmt=".3f") + "\n",
        encoding="utf-8")
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
