"""Streamlit entry point: `streamlit run app_streamlit.py -- RUN_DIR` (or `fritekst app RUN_DIR`)."""

import sys

from fritekst.app.streamlit_main import run_from_argv

run_from_argv(sys.argv)
