"""Charts as free functions of the report's tables, drawn with matplotlib into PNG bytes
(for DOCX) or a Figure (for the app). matplotlib is imported here only, when a chart is drawn."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from fritekst.report._numbers import format_percent
from fritekst.report._tables import NOT_CODED_LABEL, Table

MAX_CATEGORIES = 12
COLOURS = ("#1f4e79", "#e07b39", "#6a994e", "#8e6c8a", "#c9a227", "#5b8fb9", "#b5495b", "#7f7f7f")


def _shares(table: Table) -> pd.DataFrame:
    """Category × group shares from a ``count_share`` table, largest categories first."""
    groups = [c for c, kind in table.kinds.items() if kind == "count_share"]
    frame = table.frame[table.frame["Kategori"] != NOT_CODED_LABEL]
    shares = pd.DataFrame(
        {g.split(" (N")[0]: [v[1] if v is not None else np.nan for v in frame[g]] for g in groups},
        index=frame["Kategori"].tolist(),
    )
    return shares.head(MAX_CATEGORIES)


def grouped_bars(table: Table, title: str):
    """A horizontal grouped bar chart of the shares in ``table`` (categories by role, by wave)."""
    from matplotlib.figure import Figure  # not pyplot: no backend, no figure manager, 0.3 s less to import
    from matplotlib.ticker import FuncFormatter

    shares = _shares(table)
    n_groups = max(len(shares.columns), 1)
    height = 0.8 / n_groups
    figure = Figure(figsize=(7.5, 0.45 * len(shares) * max(1, n_groups / 2) + 1.4), dpi=150)
    axes = figure.subplots()
    positions = np.arange(len(shares))[::-1]
    for i, group in enumerate(shares.columns):
        axes.barh(positions + (n_groups - 1 - 2 * i) * height / 2, shares[group].fillna(0), height=height,
                  label=group, color=COLOURS[i % len(COLOURS)])
    axes.set_yticks(positions, [_wrap(label) for label in shares.index], fontsize=8)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: format_percent(x)))
    axes.set_xlim(0, max(0.1, float(np.nanmax(shares.to_numpy())) * 1.1) if shares.size else 1)
    axes.set_title(title, fontsize=10, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8, frameon=False, loc="lower right")
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    figure.tight_layout()
    return figure


def _wrap(label: str, width: int = 34) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def chart_png(table: Table, title: str) -> bytes:
    buffer = io.BytesIO()
    grouped_bars(table, title).savefig(buffer, format="png")
    return buffer.getvalue()


def question_charts(question) -> list[tuple[str, Table]]:
    """The charts of one :class:`QuestionReport`: categories by role, and by wave."""
    charts = []
    if question.by_role is not None:
        charts.append(("Andel som nevner kategorien, etter rolle", question.by_role))
    if question.waves is not None:
        charts.append(("Andel som nevner kategorien, per runde", question.waves))
    return charts
