"""Keyboard shortcuts for the coder workspace: a key combination clicks a keyed element.

A small component rather than the ``streamlit-shortcuts`` package: that package merges each
draw's shortcuts into one page-wide map and never drops old ones, so a shortcut bound to the
previous answer's button (keys change with the answer, house rule 13) would be found first and
fail. Here each draw replaces the whole map, and its listener: the listener is made in the
component's frame, which Streamlit replaces when the map changes (the next answer), and Chromium
runs no listener of a frame that is gone, so one listener registered once worked for the first
answer only. Each draw's frame removes the previous listener and adds its own, and takes it away
when the frame goes (another page has no shortcuts). Keys are matched by ``KeyboardEvent.code`` (the
physical key), so they work on a Norwegian keyboard and with Option on a Mac, and every
shortcut has Alt, so typing in a memo or the search box never triggers one. The map in force is
``window.__fritekstShortcuts``: bench/browser_coding.py waits for it to name the next answer.
"""

from __future__ import annotations

import json

import streamlit.components.v1 as components

_SCRIPT = """<script>
const parentWindow = window.parent;
const doc = parentWindow.document;
const shortcuts = %s;
const handler = (event) => {
  if (!event.altKey || event.ctrlKey || event.metaKey) return;
  const key = shortcuts[event.code];
  if (!key) return;
  const target = doc.querySelector(`.st-key-${key} button`) || doc.querySelector(`.st-key-${key} input`);
  if (!target || target.disabled) return;
  event.preventDefault();
  target.click();
};
if (parentWindow.__fritekstShortcutsHandler) {
  doc.removeEventListener("keydown", parentWindow.__fritekstShortcutsHandler, true);
}
parentWindow.__fritekstShortcutsHandler = handler;
parentWindow.__fritekstShortcuts = shortcuts;
doc.addEventListener("keydown", handler, true);
window.addEventListener("pagehide", () => {
  if (parentWindow.__fritekstShortcutsHandler !== handler) return;
  doc.removeEventListener("keydown", handler, true);
  parentWindow.__fritekstShortcutsHandler = null;
  parentWindow.__fritekstShortcuts = {};
});
</script>"""


def bind_shortcuts(shortcuts: dict[str, str]) -> None:
    """``{"Enter": "save_next_17", "Digit1": "quick_17_1"}``: Alt + the key (a ``KeyboardEvent.code``)
    clicks the button or checkbox whose Streamlit key is the value; the map replaces the previous one."""
    components.html(_SCRIPT % json.dumps(shortcuts), height=0)
