"""Reading survey exports (CSV, XLSX, SPSS .sav/.por, Stata .dta) into a tidy table of answers.

Everything a user can get wrong about a file is checked here, where the file
enters, and reported as :class:`~fritekst.errors.InputError` naming the file, row
and column; later stages trust the table they get. What is read on thin evidence
(a header row, an unreadable date) is issued as a :class:`SurveyWarning`.

>>> mapping = SurveyMapping(text=("Utfordringer",), id="Kommunenr", attrs=("Kommune",), wave="2021")
>>> answers = load_answers("kommuneundersokelsen.csv", mapping)  # doctest: +SKIP
"""

from fritekst.survey._answers import load_answers
from fritekst.survey._mapping import SurveyMapping, load_mapping
from fritekst.survey._headers import LAYOUTS, is_questback_row
from fritekst.survey._table import DEFAULT_MAX_CELL_CHARS, SurveyTable, SurveyWarning, read_table

__all__ = [
    "DEFAULT_MAX_CELL_CHARS",
    "LAYOUTS",
    "SurveyMapping",
    "SurveyTable",
    "SurveyWarning",
    "is_questback_row",
    "load_answers",
    "load_mapping",
    "read_table",
]
