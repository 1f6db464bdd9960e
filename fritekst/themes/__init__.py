"""Theme discovery for survey answers, assembled from BERTopic's parts.

UMAP reduction and class-based TF-IDF keywords as in BERTopic; clustering that
adapts to N; a Norwegian vectoriser; stable, size-ordered theme ids.
"""

from fritekst.themes.cluster import AdaptiveKMeans, theme_count_range
from fritekst.themes.discover import (
    UNASSIGNED,
    Theme,
    ThemeConfig,
    ThemeResult,
    content_text,
    describe_themes,
    discover_themes,
    representative_rows,
)
from fritekst.themes.keywords import keyword_tokens, theme_keywords, theme_label

__all__ = [
    "UNASSIGNED",
    "AdaptiveKMeans",
    "Theme",
    "ThemeConfig",
    "ThemeResult",
    "content_text",
    "describe_themes",
    "discover_themes",
    "keyword_tokens",
    "representative_rows",
    "theme_count_range",
    "theme_keywords",
    "theme_label",
]
