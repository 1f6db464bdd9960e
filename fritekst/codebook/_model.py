"""Codebook and category as validated data (pydantic), with the rules that span categories."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class Category(BaseModel):
    """One category. ``id`` is stable across versions and waves and never reused."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str
    label: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    exclude: str = ""
    parent: str | None = None
    color: str | None = None
    special: bool = False

    @field_validator("id")
    @classmethod
    def _id_is_a_slug(cls, value: str) -> str:
        if not ID_PATTERN.match(value):
            raise ValueError(f"id {value!r} must be lower-case letters, digits and _ (e.g. 'bolig', 'frivillig_sektor')")
        return value

    @field_validator("label")
    @classmethod
    def _label_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("label is empty; every category needs a label")
        return value.strip()


# Every codebook has these unless it defines the same ids itself: answers that say
# nothing, answers that fit no category, and answers a coder cannot make out.
SPECIAL_CATEGORIES = (
    Category(id="ikke_svar", label="Ikke svar", special=True,
             description="«Vet ikke», «ingen kommentar», «-» og andre svar uten innhold."),
    Category(id="annet", label="Annet", special=True,
             description="Svar med innhold som ikke passer i noen kategori i kodeboken."),
    Category(id="uklart", label="Uklart", special=True,
             description="Svar som ikke lar seg tolke sikkert."),
)


class Codebook(BaseModel):
    """A named, versioned list of categories; at most two levels via ``parent``."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    version: int = Field(default=1, ge=1)
    language: str = "nb"
    description: str = ""
    categories: tuple[Category, ...]

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    @property
    def ids(self) -> list[str]:
        return [category.id for category in self.categories]

    def codable(self) -> list[Category]:
        """Categories a segment can be coded with: leaves and specials, not group headings."""
        parents = {category.parent for category in self.categories if category.parent}
        return [category for category in self.categories if category.id not in parents]

    def with_special_categories(self) -> Codebook:
        """This codebook plus the special categories it does not define itself."""
        own = set(self.ids)
        extra = tuple(category for category in SPECIAL_CATEGORIES if category.id not in own)
        return self.model_copy(update={"categories": self.categories + extra})
