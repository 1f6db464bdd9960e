"""Keyboard shortcuts for the coder workspace: a key combination clicks a keyed element.

A small component rather than the ``streamlit-shortcuts`` package: that package merges each
draw's shortcuts into one page-wide map and never drops old ones, so a shortcut bound to the
previous answer's button (keys change with the answer, house rule 13) would be found first and
fail. Here each draw replaces the whole map. Keys are matched by ``KeyboardEvent.code`` (the
physical key), so they work on a Norwegian keyboard and with Option on a Mac, and every
shortcut has Alt, so typing in a memo or the search box never triggers one. The listener is
made anew by each draw's frame (a function from a removed frame no longer runs).
"""

from __future__ import annotations

import json

import streamlit.components.v1 as components

_SCRIPT = """<script>
const parentWindow = window.parent;
const doc = parentWindow.document;
const shortcuts = %s;
// A listener dies with the frame that made it (each draw makes a new frame): replace it, never add.
if (parentWindow.__fritekstListener) doc.removeEventListener("keydown", parentWindow.__fritekstListener, true);
parentWindow.__fritekstListener = (event) => {
  if (!event.altKey || event.ctrlKey || event.metaKey) return;
  const key = shortcuts[event.code];
  if (!key) return;
  const target = doc.querySelector(`.st-key-${key} button`) || doc.querySelector(`.st-key-${key} input`);
  if (!target || target.disabled) return;
  event.preventDefault();
  target.click();
};
doc.addEventListener("keydown", parentWindow.__fritekstListener, true);
</script>"""


def bind_shortcuts(shortcuts: dict[str, str]) -> None:
    """``{"Enter": "save_next_17", "Digit1": "quick_17_1"}``: Alt + the key (a ``KeyboardEvent.code``)
    clicks the button or checkbox whose Streamlit key is the value; it replaces the previous draw's."""
    components.html(_SCRIPT % json.dumps(shortcuts), height=0)
