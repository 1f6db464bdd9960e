"""The Streamlit app: pages are functions handed their data, so tests can drive them."""
