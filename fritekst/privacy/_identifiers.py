"""Identifiers with a shape: fødselsnummer and D-nummer, phone numbers, e-mail and street addresses.

Each finder returns :class:`Finding` spans. Numbers are matched by shape and then checked,
because survey answers are full of numbers that are not personal: an 11-digit case number
fails the fødselsnummer control digits (python-stdnum), and "12 345 678 kroner" is not
grouped the way Norwegian phone numbers are written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FNR = "fødselsnummer"
DNR = "d-nummer"
PHONE = "telefon"
EMAIL = "e-post"
ADDRESS = "adresse"
NAME = "navn"
PLACE = "sted"


@dataclass(frozen=True)
class Finding:
    """A span of personal data in one text: ``text[start:end]`` is of ``kind``."""

    start: int
    end: int
    kind: str


# 11 digits, optionally as "DDMMYY NNNNN" or "DDMMYY-NNNNN"; never inside a longer number.
_BIRTH_NUMBER = re.compile(r"(?<![\d])(?<!\d[ .-])(\d{6})[ .-]?(\d{5})(?![ .-]?\d)")


def find_birth_numbers(text: str) -> list[Finding]:
    """Fødselsnummer and D-nummer (day + 40) whose control digits are right.

    A number with wrong control digits stays: it is a case or account number, and masking it
    would tell the reader it was personal.
    """
    from stdnum.no import fodselsnummer

    found = []
    for match in _BIRTH_NUMBER.finditer(text):
        number = match.group(1) + match.group(2)
        if fodselsnummer.is_valid(number):
            kind = DNR if int(number[0]) >= 4 else FNR
            found.append(Finding(match.start(), match.end(), kind))
    return found


# Norwegian numbers have 8 digits, the first 2-9 (4 and 9 for mobiles), written
# 91234567, 912 34 567 or 91 23 45 67, optionally after +47 or 0047.
_PHONE = re.compile(
    r"(?<![\w+])(?<!\d[ .-])"
    r"(?P<country>(?:\+|00)\s?47[ .-]?)?"
    r"(?P<number>[2-9]\d{7}|[2-9]\d{2}[ .-]\d{2}[ .-]\d{3}|[2-9]\d[ .-]\d{2}[ .-]\d{2}[ .-]\d{2})"
    r"(?![ .-]?\d)"
)
_PHONE_CUE = re.compile(r"(?:tlf|telefon|tel|mobil|mob|ring|sms|nr)\.?:?\s*(?:på\s*)?$", re.IGNORECASE)


def find_phone_numbers(text: str) -> list[Finding]:
    """Norwegian phone numbers in the four usual shapes.

    A bare run of 8 digits is taken as a phone number when it starts with 4 or 9 (mobile),
    follows +47, or follows a word like "tlf"/"ring"; otherwise it may be a sum or a case
    number. Grouped digits (912 34 567, 22 33 44 55) are taken as written: sums are grouped
    by thousands instead.
    """
    found = []
    for match in _PHONE.finditer(text):
        number = match.group("number")
        bare = number.isdigit()
        cue = _PHONE_CUE.search(text[max(0, match.start() - 20) : match.start()])
        if bare and not (match.group("country") or number[0] in "49" or cue):
            continue
        found.append(Finding(match.start(), match.end(), PHONE))
    return found


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Addresses written around the @ so that robots miss them: "ola (at) kommune.no", "ola[at]kommune.no",
# "ola @ kommune.no", "ola at kommune dot no", "ola krøllalfa kommune punktum no".
_AT_WORDS = r"(?:at|krøllalfa|alfakrøll)"
_DOT_WORDS = r"(?:dot|punktum|prikk)"
_OBFUSCATED_AT = (
    rf"\s*[(\[{{<]\s*(?:{_AT_WORDS}|a|@)\s*[)\]}}>]\s*"  # (at) [at] (a) {at} <at>
    r"|\s+@\s*|\s*@\s+"  # @ with spaces
    rf"|\s+(?P<bare>{_AT_WORDS})\s+"  # at between spaces: see _plain_at
)
_OBFUSCATED_DOT = rf"(?:\s*[(\[{{<]\s*(?:{_DOT_WORDS}|\.)\s*[)\]}}>]\s*|\s+{_DOT_WORDS}\s+|\.)"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+-])(?P<local>[\w.+-]*\w)(?:{_OBFUSCATED_AT})"
    rf"(?P<domain>[\w-]+(?:{_OBFUSCATED_DOT}[\w-]+)*{_OBFUSCATED_DOT}(?P<tld>[^\W\d_]{{2,24}}))(?![\w-])",
    re.IGNORECASE,
)
# Top-level domains an address written with a plain "at" must end in: "at" is one of the commonest
# Norwegian words ("vi mener at …"), so only a domain of a known shape makes it an address.
_TLDS = frozenset("no com org net se dk fi is eu int edu gov info biz io nu uk de nl fr".split())


def find_emails(text: str) -> list[Finding]:
    """E-mail addresses, also those written around the @: "ola (at) kommune.no", "ola at kommune dot no".

    "at" is a common Norwegian word, so an address with a plain " at " needs a domain that ends in a
    known top-level domain and a first part that is not an ordinary word ("mener at nav.no" stays),
    unless the dots are spelled out ("dot", "punktum"), which no sentence does.
    """
    found = [Finding(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text)]
    for match in _OBFUSCATED_EMAIL.finditer(text):
        if any(f.start < match.end() and match.start() < f.end for f in found):
            continue
        if match.group("bare") and not _plain_at(match):
            continue
        found.append(Finding(match.start(), match.end(), EMAIL))
    return sorted(found, key=lambda f: f.start)


def _plain_at(match: re.Match) -> bool:
    """"ola at kommune.no" is an address; "vi mener at nav.no er tungvint" is a sentence."""
    domain, local = match.group("domain"), match.group("local")
    if match.group("tld").lower() not in _TLDS:
        return False
    if re.search(rf"\s{_DOT_WORDS}\s|[(\[{{<]", domain, re.IGNORECASE) or match.group("bare").lower() != "at":
        return True
    if re.search(r"[._+\d]", local):
        return True
    from fritekst.privacy._capitals import is_common_word
    from fritekst.privacy._names import first_names, surnames

    return local.capitalize() in first_names() or local.capitalize() in surnames() or not is_common_word(local)


_STREET_WORD = r"(?:gate|gata|gaten|gt\.|vei|veien|vegen|veg|vn\.|allé|alle|plass|plassen|stien|sti|bakken|lia|tunet|svingen|ringen|kroken|løkka|brekka|jordet|haugen|tun)"
_ADDRESS = re.compile(
    r"(?<![\w])"
    r"(?:"
    # Storgata 12, Sandvikveien 14B, Bakken 3
    rf"[A-ZÆØÅ][a-zæøåé-]*{_STREET_WORD}"
    # Kongens gate 5, Dronning Mauds gate 3, Øvre Slottsgate 2
    rf"|(?:[A-ZÆØÅ][\wæøåé-]*\s){{1,3}}[a-zæøå]*{_STREET_WORD}"
    r")"
    r"\s\d{1,4}(?:\s?[A-Za-z])?(?![\w])"
    r"(?:,?\s\d{4}\s[A-ZÆØÅ][\wæøå-]+)?"  # , 2406 Elverum
    r"|(?i:postboks)\s\d{1,5}(?:,?\s\d{4}\s[A-ZÆØÅ][\wæøå-]+)?"
)


def find_addresses(text: str) -> list[Finding]:
    """Street addresses with a house number (and the postcode and place after it), and PO boxes.

    A street is a capitalised word ending in a street word (gate, vei, veg, plass, bakken …)
    or a few capitalised words before one, followed by a number: "Storgata 12",
    "Kongens gate 5B, 0153 Oslo". A place or street named without a number is not an address.
    """
    return [Finding(m.start(), m.end(), ADDRESS) for m in _ADDRESS.finditer(text)]


IDENTIFIER_FINDERS = (find_birth_numbers, find_phone_numbers, find_emails, find_addresses)
