"""Norwegian prose for the report: role names in plural, the "who answered" sentence, and how
common a category is among all and per role."""

from __future__ import annotations

from collections.abc import Mapping

from fritekst.report._numbers import format_number, format_percent
from fritekst.report._prevalence import Prevalence

# singular, plural, definite plural ("de integreringsansvarlige", "kommunedirektørene")
ROLE_FORMS: dict[str, tuple[str, str, str]] = {
    "kommunedirektør": ("kommunedirektør", "kommunedirektører", "kommunedirektørene"),
    "integreringsansvarlig": ("integreringsansvarlig", "integreringsansvarlige", "de integreringsansvarlige"),
    "skolesjef": ("skolesjef", "skolesjefer", "skolesjefene"),
    "rådmann": ("rådmann", "rådmenn", "rådmennene"),
    "respondent": ("respondent", "respondenter", "respondentene"),
}


def role_forms(role: str, overrides: Mapping[str, tuple[str, str, str]] | None = None) -> tuple[str, str, str]:
    """Singular, plural and definite plural of a role as the survey spells it ("Skolesjef").

    Known roles from :data:`ROLE_FORMS` (or ``overrides``); otherwise Bokmål rules: an
    adjective ("-ig", "-ansvarlig") takes -e and "de", a noun in -er takes -e/-ne
    (leder, ledere, lederne), other nouns -er/-ene.
    """
    key = role.strip().lower()
    known = {**ROLE_FORMS, **{k.lower(): v for k, v in (overrides or {}).items()}}
    if key in known:
        return known[key]
    last = key.split()[-1] if key else key
    if not last[-1:].isalpha():  # masked ("kontakt [navn]") or a code: no ending to add
        return key, key, key
    if last.endswith(("ig", "lig")):
        return key, key + "e", "de " + key + "e"
    if last.endswith("er"):
        return key, key + "e", key + "ne"
    if last.endswith("e"):
        return key, key + "r", key + "ne"
    return key, key + "er", key + "ene"


def _count_of(n: int, role: str, overrides) -> str:
    singular, plural, _ = role_forms(role, overrides)
    return f"{format_number(n)} {singular if n == 1 else plural}"


def join_and(parts: list[str]) -> str:
    """"a", "a og b", "a, b og c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]


def who_answered(by_role: Mapping[str, int], non_answers: int, overrides=None) -> str:
    """"25 kommunedirektører og 59 integreringsansvarlige besvarte spørsmålet." (+ non-answers)."""
    answered = [(role, n) for role, n in by_role.items() if n > 0]
    if not answered:
        sentence = "Ingen besvarte spørsmålet."
    elif len(answered) == 1 and not answered[0][0]:
        sentence = f"{_count_of(answered[0][1], 'respondent', overrides)} besvarte spørsmålet."
    else:
        sentence = f"{join_and([_count_of(n, role or 'respondent', overrides) for role, n in answered])} besvarte spørsmålet."
    if non_answers:
        sentence += (f" I tillegg kom {format_number(non_answers)} svar uten innhold («vet ikke», «ingen kommentar», «-» "
                     "og lignende); de er holdt utenfor tallene.")
    return sentence[0].upper() + sentence[1:]


def category_sentence(n: int, total: int, units: int, prevalence: Prevalence) -> str:
    """"Mange av dem som besvarte spørsmålet nevner dette (45 av 120, 38 prosent; 52 kodede utsagn)."""
    word = prevalence.word(n, total)
    detail = f"{format_number(n)} av {format_number(total)}, {format_percent(n / total if total else 0, word=True)}"
    if units != n:
        detail += f"; {format_number(units)} kodede utsagn"
    sentence = f"{word} av dem som besvarte spørsmålet nevner dette ({detail})."
    return sentence[0].upper() + sentence[1:]


def roles_sentence(counts: list[tuple[str, int, int, bool]], prevalence: Prevalence, overrides=None) -> str:
    """"Blant rollene: flere av kommunedirektørene (8 av 25) og majoriteten av de integreringsansvarlige (33 av 59)."

    ``counts`` holds (role, n, answered in role, small group) per role."""
    parts = []
    for role, n, total, small in counts:
        definite = role_forms(role, overrides)[2]
        note = ", få svar" if small else ""
        parts.append(f"{prevalence.word(n, total)} av {definite} ({format_number(n)} av {format_number(total)}{note})")
    return f"Fordelt på roller: {join_and(parts)}." if parts else ""
