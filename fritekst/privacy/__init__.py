"""Personal data in what fritekst prints: fødselsnummer and D-nummer, phone numbers, e-mail,
street addresses, person names and (when asked) places, masked in outputs only: in answers, and
in the role and attribute values printed beside them (:func:`screen_columns`).

>>> Screen(names=("list",)).mask_one("Kontakt Kari Nordmann, tlf 912 34 567.").text  # doctest: +SKIP
'Kontakt [navn], tlf [telefon].'

Name detectors are a small protocol chosen by name (``list``, ``spacy``); other packages can
add one with :func:`register_name_detector`.
"""

from fritekst.privacy._entities import spacy_ner_available
from fritekst.privacy._identifiers import (
    ADDRESS,
    DNR,
    EMAIL,
    FNR,
    NAME,
    PHONE,
    PLACE,
    Finding,
    find_addresses,
    find_birth_numbers,
    find_emails,
    find_phone_numbers,
)
from fritekst.privacy._names import (
    ListNameDetector,
    NameDetector,
    SpacyNameDetector,
    available_name_detectors,
    get_name_detectors,
    register_name_detector,
)
from fritekst.privacy._places import find_municipalities, find_places, municipality_names
from fritekst.privacy._screen import DEFAULT_MASK_STYLE, MASK_STYLES, Masked, Screen, mask_template
from fritekst.privacy._keywords import is_person_keyword, listed_name, person_words
from fritekst.privacy._values import IDENTIFYING_SHARE, identifying_columns, mask_values, screen_columns

__all__ = [
    "ADDRESS",
    "DEFAULT_MASK_STYLE",
    "DNR",
    "EMAIL",
    "FNR",
    "Finding",
    "IDENTIFYING_SHARE",
    "ListNameDetector",
    "MASK_STYLES",
    "Masked",
    "NAME",
    "NameDetector",
    "PHONE",
    "PLACE",
    "Screen",
    "SpacyNameDetector",
    "available_name_detectors",
    "find_addresses",
    "find_birth_numbers",
    "find_emails",
    "find_municipalities",
    "find_phone_numbers",
    "find_places",
    "get_name_detectors",
    "identifying_columns",
    "is_person_keyword",
    "listed_name",
    "mask_template",
    "mask_values",
    "municipality_names",
    "person_words",
    "register_name_detector",
    "screen_columns",
    "spacy_ner_available",
]
