"""How an answer is shown on every page: as the respondent wrote it, as plain text.

Never as Markdown or HTML: an answer holding ``![](https://…)`` or ``<img src=…>`` would otherwise
make the coder's browser fetch a remote image (a tracking pixel), and ``*``/``_`` would change what
the coder reads. Plain text also keeps the answer in the page's full text colour, where a Markdown
quote block greys it out.
"""

from __future__ import annotations

import streamlit as st


def show_answer(text: str, attribution: str = "") -> None:
    """``text`` in a bordered box, with ``attribution`` (who said it) under it, both as plain text."""
    with st.container(border=True):
        st.text(text)
        if attribution:
            st.text(f"— {attribution}")
