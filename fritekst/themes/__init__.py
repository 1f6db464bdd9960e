"""Theme discovery for survey answers, assembled from BERTopic's parts.

UMAP reduction and class-based TF-IDF keywords as in BERTopic; clustering that
adapts to N, chosen by name (:mod:`fritekst.themes.clusterers`); a Norwegian vectoriser;
stable, size-ordered theme ids.
"""

from fritekst.themes.cluster import AdaptiveKMeans, theme_count_range
from fritekst.themes.clusterers import (
    DEFAULT_CLUSTERER,
    SPLIT_CLUSTERER,
    available_clusterers,
    get_clusterer,
    register_clusterer,
)
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
    "DEFAULT_CLUSTERER",
    "SPLIT_CLUSTERER",
    "UNASSIGNED",
    "AdaptiveKMeans",
    "Theme",
    "ThemeConfig",
    "ThemeResult",
    "available_clusterers",
    "content_text",
    "describe_themes",
    "discover_themes",
    "get_clusterer",
    "keyword_tokens",
    "register_clusterer",
    "representative_rows",
    "theme_count_range",
    "theme_keywords",
    "theme_label",
]
