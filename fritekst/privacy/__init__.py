"""Personal data in what fritekst prints: fødselsnummer and D-nummer, phone numbers, e-mail,
street addresses, person names and (when asked) places, masked in outputs only.

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

KINDS = (FNR, DNR, PHONE, EMAIL, ADDRESS, NAME, PLACE)

__all__ = [
    "ADDRESS",
    "DEFAULT_MASK_STYLE",
    "DNR",
    "EMAIL",
    "FNR",
    "Finding",
    "KINDS",
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
    "mask_template",
    "municipality_names",
    "register_name_detector",
    "spacy_ner_available",
]
