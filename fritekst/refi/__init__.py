"""Whole REFI-QDA projects (.qdpx) to and from NVivo, ATLAS.ti, MAXQDA and QualCoder.

Exchange lives here, apart from the domain models: the codebook model stays format-free (its
.qdc reading and writing, which projects reuse, is :mod:`fritekst.codebook._qdc`).

>>> summary = export_project(open_store("prosjekt/"), "prosjekt.qdpx")  # doctest: +SKIP
>>> report = import_project("fra_nvivo.qdpx", open_store("nytt/"))  # doctest: +SKIP
>>> report.unmapped  # doctest: +SKIP
{'PDFSource (not text)': 2}
"""

from fritekst.refi._export import ExportSummary, export_project, project_bytes
from fritekst.refi._import import ProjectImport, import_project
from fritekst.refi._read import Project, read_project

__all__ = ["ExportSummary", "Project", "ProjectImport", "export_project", "import_project", "project_bytes", "read_project"]
