"""Codebook, category and change log as validated data (pydantic); rules between categories
are in ``_checks``."""

from __future__ import annotations

import datetime
import re

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class Category(BaseModel):
    """One category. ``id`` is stable across versions and waves and never reused.

    A category that leaves the codebook stays in it as history, with ``retired`` (the version
    that retired it) and, when its answers went on elsewhere, ``merged_into`` or ``split_into``:
    that is what lets old waves' codes be mapped to today's ids (:func:`~fritekst.codebook.harmonise`).
    """

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
    codable: bool | None = None  # None: follows the tree (headings not codable); set as another program had it
    retired: int | None = Field(default=None, ge=1, strict=True)  # strict: "retired: true" is not version 1
    merged_into: str | None = None
    split_into: tuple[str, ...] | None = None

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

    @field_validator("merged_into", "split_into")
    @classmethod
    def _successor_of_a_retired_category(cls, value, info: ValidationInfo):
        if info.field_name == "split_into" and not value:
            raise ValueError("split_into is empty; list the categories the answers were split into")
        if value is not None and info.data.get("retired") is None:
            raise ValueError(f"only a retired category has {info.field_name}; add 'retired: <version>'")
        if info.field_name == "split_into" and info.data.get("merged_into"):
            raise ValueError("a category is either merged_into one category or split_into several, not both")
        return value


class CodeSet(BaseModel):
    """A named group of categories across the tree (NVivo's and ATLAS.ti's code sets/groups)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    description: str = ""
    codes: tuple[str, ...] = ()


class Rename(BaseModel):
    """A label change: the id, and so every coded answer, stays."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    from_: str = Field(alias="from")
    to: str


class Change(BaseModel):
    """What one version changed; the codebook's ``changes`` list them oldest first.

    ``retired`` holds categories retired without successor; ``merged`` and ``split`` those
    whose answers went on to other categories. ``edited`` names the fields changed per id,
    ``metadata`` the codebook's own fields (name, description, ...).
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    version: int = Field(ge=1)
    date: datetime.date | None = None
    added: tuple[str, ...] = ()
    renamed: dict[str, Rename] = Field(default_factory=dict)
    merged: dict[str, str] = Field(default_factory=dict)
    split: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    retired: tuple[str, ...] = ()
    edited: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    metadata: tuple[str, ...] = ()
    reordered: bool = False


NON_ANSWER_CODE = "ikke_svar"
"""The category of answers that say nothing («vet ikke», «-»): coded by rule, counted apart in reports."""

# Every codebook has these unless it defines the same ids itself: answers that say
# nothing, answers that fit no category, and answers a coder cannot make out.
SPECIAL_CATEGORIES = (
    Category(id=NON_ANSWER_CODE, label="Ikke svar", special=True,
             description="«Vet ikke», «ingen kommentar», «-» og andre svar uten innhold."),
    Category(id="annet", label="Annet", special=True,
             description="Svar med innhold som ikke passer i noen kategori i kodeboken."),
    Category(id="uklart", label="Uklart", special=True,
             description="Svar som ikke lar seg tolke sikkert."),
)


class Codebook(BaseModel):
    """A named, versioned list of categories, nested via ``parent``.

    ``levels`` is how deep the tree may go: two, as reports show it, unless a codebook from
    another program (NVivo, ATLAS.ti …) brought more; :meth:`reported_as` rolls those up.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    version: int = Field(default=1, ge=1)
    language: str = "nb"
    description: str = ""
    levels: int = Field(default=2, ge=2)
    categories: tuple[Category, ...]
    sets: tuple[CodeSet, ...] = ()
    changes: tuple[Change, ...] = ()

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    @property
    def ids(self) -> list[str]:
        return [category.id for category in self.categories]

    def codable(self) -> list[Category]:
        """Categories a segment can be coded with: active leaves and specials, not group
        headings (a heading whose children are all retired is a leaf again), unless the
        category says otherwise (``codable``, as NVivo had it: its parent codes carry codings)."""
        active = [category for category in self.categories if category.retired is None]
        parents = {category.parent for category in active if category.parent}
        return [category for category in active
                if (category.id not in parents if category.codable is None else category.codable)]

    def reported_as(self, category_id: str) -> str:
        """The category a report counts ``category_id`` under: itself within two levels, else
        its second-level ancestor (reports keep two levels however deep the tree is)."""
        by_id = {category.id: category for category in self.categories}
        chain = [category_id]
        while chain[-1] in by_id and by_id[chain[-1]].parent is not None and len(chain) <= len(by_id):
            chain.append(by_id[chain[-1]].parent)
        return chain[-2] if len(chain) > 2 else category_id

    def with_special_categories(self) -> Codebook:
        """This codebook plus the special categories it does not define itself."""
        own = set(self.ids)
        extra = tuple(category for category in SPECIAL_CATEGORIES if category.id not in own)
        return self.model_copy(update={"categories": self.categories + extra})
