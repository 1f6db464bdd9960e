"""fritekst: qualitative analysis of Norwegian open-ended survey answers."""

__version__ = "0.1.0"
