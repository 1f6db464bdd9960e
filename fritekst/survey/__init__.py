"""Reading survey exports (CSV, XLSX, SPSS .sav) into a tidy table of answers.

Everything a user can get wrong about a file is checked here, where the file
enters, and reported as :class:`~fritekst.errors.InputError` naming the file, row
and column; later stages trust the table they get.

>>> mapping = SurveyMapping(text=("Utfordringer",), id="Kommunenr", attrs=("Kommune",), wave="2021")
>>> answers = load_answers("kommuneundersokelsen.csv", mapping)  # doctest: +SKIP
"""

from fritekst.survey._answers import load_answers
from fritekst.survey._mapping import SurveyMapping, load_mapping
from fritekst.survey._table import DEFAULT_MAX_CELL_CHARS, SurveyTable, is_questback_row, read_table

__all__ = [
    "DEFAULT_MAX_CELL_CHARS",
    "SurveyMapping",
    "SurveyTable",
    "is_questback_row",
    "load_answers",
    "load_mapping",
    "read_table",
]
