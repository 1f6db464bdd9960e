"""Personal data never reaches a report: identifiers planted in answers are masked in every
format (Markdown, Excel, Word), numbers that only look like them stay, and the recall of the
name detector is measured and printed."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import spacy
from openpyxl import load_workbook
from typer.testing import CliRunner

from fritekst.cli import app
from fritekst.errors import InputError
from fritekst.privacy import Screen, available_name_detectors, find_addresses, find_birth_numbers, find_emails, find_phone_numbers

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = ROOT / "codebooks" / "imdi_kommuneundersokelsen.yaml"


def with_control_digits(first9: str) -> str:
    """A birth number (or D-number) with correct control digits, as the Tax Administration computes them."""
    w1, w2 = (3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    k1 = (11 - sum(int(d) * w for d, w in zip(first9, w1)) % 11) % 11
    k2 = (11 - sum(int(d) * w for d, w in zip(first9 + str(k1), w2)) % 11) % 11
    assert k1 < 10 and k2 < 10, first9
    return f"{first9}{k1}{k2}"


FNR = with_control_digits("150386123")  # 15.03.1986
FNR_2 = with_control_digits("010203496")  # 01.02.2003
DNR = with_control_digits("550386123")  # D-nummer: day + 40
BAD_FNR = FNR[:-1] + str((int(FNR[-1]) + 1) % 10)  # wrong control digit: a case number
CASE_NUMBER = "20231234567"  # 11 digits that are not a birth number

PHONES = ["+47 912 34 567", "91234568", "912 34 569", "41 23 45 67"]
EMAILS = ["ola.nordmann@kommunen.example", "kari_n+imdi@bydel.oslo.example"]
ADDRESSES = ["Storgata 12", "Kongens gate 5B, 0153 Oslo", "Sandvikveien 14"]
STAY = [BAD_FNR, CASE_NUMBER, "12 345 678 kroner", "2023 og 2025"]

# Thirty person names in the kinds of sentences survey answers put them in. Written before
# the detector was run on them and not tuned to it: common Norwegian names (on SSB's lists),
# names that are also words (Liv, Per, Lie), and names the lists do not hold.
NAMED = [
    ("Kari Nordmann", "Ta gjerne kontakt med meg, Kari Nordmann, hvis dere vil vite mer om tilbudet."),
    ("Ingrid Haugen", "Det ble bedre da vi fikk en egen rådgiver i fjor (Ingrid Haugen), men hun har sluttet."),
    ("Per Olav Moen", "Vi har hatt god hjelp fra Per Olav Moen i IMDi, som kjenner regionen godt."),
    ("Liv Berg", "Samarbeidet med frivilligsentralen er godt, og Liv Berg der gjør en kjempejobb for familiene."),
    ("Ola", "Kontaktpersonen vår i NAV, Ola, svarer alltid raskt når vi ringer om en deltaker."),
    ("Anne-Lise Johansen", "Voksenopplæringen ved Anne-Lise Johansen har laget et godt opplegg for analfabeter."),
    ("Mohammed Ali", "En av deltakerne, Mohammed Ali, fikk fast jobb etter praksis i bedriften."),
    ("Fatima", "Moren, Fatima, har ikke fått plass på norskkurs fordi hun må være hjemme med barna."),
    ("Yusuf", "Faren, Yusuf, sitter i rullestol og familien trenger en tilrettelagt bolig."),
    ("Oleksandr Kovalenko", "Vi bosatte Oleksandr Kovalenko og familien hans i fjor, og det har gått veldig fint."),
    ("Tigist Haile", "Tolken vi bruker mest, Tigist Haile, er dyktig, men hun har ikke tid til alle oppdragene."),
    ("Amal Warsame", "Programrådgiveren vår, rådgiver Amal Warsame, har bygget et godt nettverk mot næringslivet."),
    ("Gudrun Sletten", "Vi har fått mye hjelp fra Gudrun Sletten i fylkeskommunen med karriereveiledning."),
    ("Torstein Aasheim", "Rektor Torstein Aasheim har tatt ansvar for at alle nyankomne elever får morsmålsopplæring."),
    ("Siri Kvam", "Helsesykepleier Siri Kvam gjør helsekartleggingen, men hun er alene om det i hele kommunen."),
    ("Hans Petter Lund", "Vi savner kontakten med Hans Petter Lund, som hadde ansvaret for regionen vår før."),
    ("Marit Bakke", "Husbanken ved Marit Bakke har vært til god hjelp med startlån til flyktningfamilier."),
    ("Bjørn Eriksen", "Kommunedirektør Bjørn Eriksen har gjort bosetting til en prioritert oppgave i år."),
    ("Nasra Abdi", "Frivilligkoordinatoren, Nasra Abdi, har fått i gang leksehjelp for barna hver uke."),
    ("Ragnhild", "Spør Ragnhild på servicetorget om dere trenger informasjon om hvordan vi har organisert det."),
    ("Eirik Solheim", "Vi har et godt samarbeid med NAV-leder Eirik Solheim om arbeidstrening for deltakerne."),
    ("Trond", "Trond på flyktningkontoret har laget en god oversikt over alle tilskuddene vi har søkt om."),
    ("Aisha Hussein", "Aisha Hussein, som selv kom som flyktning, jobber nå som miljøarbeider hos oss."),
    ("Dmytro", "Vi fikk hjelp av Dmytro, som er tolk for ukrainsk, til å oversette informasjonen til familiene."),
    ("Sunniva Lie", "Barnehagen ved styrer Sunniva Lie har tatt imot mange barn midt i året uten problemer."),
    ("Jonas Strand", "Jonas Strand i fylkeskommunen har ansvar for karriereveiledningen, og det fungerer godt."),
    ("Emma Karlsen", "Vi har ansatt Emma Karlsen som boveileder, og det har gjort en stor forskjell for familiene."),
    ("Knut", "Knut har hatt ansvaret for bosettingen alene i mange år og trenger avlastning snart."),
    ("Helga Myhre", "Helga Myhre har bygget opp språkkafeen, men hun går av med pensjon til sommeren."),
    ("Ahmad Rahimi", "En ungdom vi bosatte, Ahmad Rahimi, har nå begynt på videregående og klarer seg godt."),
]
RECALL_FLOOR = 0.8  # a regression guard; the measured figure is printed


def test_birth_numbers_are_checked_with_their_control_digits():
    text = f"Fnr {FNR}, {FNR_2[:6]} {FNR_2[6:]} og D-nr {DNR}; saksnr {BAD_FNR} og {CASE_NUMBER}."
    found = [(text[f.start:f.end], f.kind) for f in find_birth_numbers(text)]
    assert found == [(FNR, "fødselsnummer"), (f"{FNR_2[:6]} {FNR_2[6:]}", "fødselsnummer"), (DNR, "d-nummer")]


@pytest.mark.parametrize("phone", PHONES + ["0047 22 33 44 55", "tlf 22334455"])
def test_phone_numbers_in_every_usual_shape(phone):
    text = f"Ring {phone} etter klokka ni."
    assert [text[f.start:f.end] for f in find_phone_numbers(text)] == [phone.removeprefix("tlf ")]


@pytest.mark.parametrize("text", ["Vi fikk 12 345 678 kroner.", "Tallene for 2023 2025 og 2027.", "Saksnummer 20231234.",
                                  f"Saksnummer {CASE_NUMBER}."])
def test_sums_years_and_case_numbers_are_not_phone_numbers(text):
    assert find_phone_numbers(text) == []


def test_emails_and_addresses():
    text = f"Skriv til {EMAILS[0]} eller kom til {ADDRESSES[1]}. Postboks 44 er stengt. Vi bor i Storgata."
    assert [text[f.start:f.end] for f in find_emails(text)] == [EMAILS[0]]
    assert [text[f.start:f.end] for f in find_addresses(text)] == [ADDRESSES[1], "Postboks 44"]


@pytest.mark.parametrize(("style", "expected"), [
    ("label", "Ring [navn] på [telefon]."), ("generic", "Ring [fjernet] på [fjernet]."),
    ("stars", "Ring *** på ***."), ("<{kind}>", "Ring <navn> på <telefon>."),
])
def test_mask_styles(style, expected):
    masked = Screen(style=style, names="list").mask_one("Ring Kari Nordmann på 912 34 567.")
    assert masked.text == expected
    assert masked.summary() == "navn, telefon"


def test_unknown_mask_style_is_refused_with_the_choices():
    with pytest.raises(InputError, match="label, generic, stars"):
        Screen(style="svart").mask_one("x")


def test_names_in_capitalised_common_words_are_left_alone():
    text = "Liv og helse er viktig. Per i dag har vi ingen. Vi samarbeider med NAV og IMDi i Elverum og Bergen."
    assert Screen(names="list").mask_one(text).text == text


def test_places_are_masked_as_sted_only_when_asked():
    text = "Vi samarbeider med Levanger kommune og Verdal om bosetting, og med NAV. Raskere svar fra IMDi. Vi samarbeider i Nord-Østerdal."
    assert Screen(names="list").mask_one(text).text == text
    masked = Screen(names="list", places=True).mask_one(text)
    assert not any(place in masked.text for place in ("Levanger", "Verdal", "Nord-Østerdal")), masked.text
    assert "NAV" in masked.text and "IMDi" in masked.text  # organisations are not places
    assert set(masked.kinds) == {"sted"}


def test_every_municipality_name_is_a_place_wherever_the_recogniser_misses_it():
    from fritekst.privacy import find_municipalities, municipality_names

    assert {"Tydal", "Tromsø", "Nord-Fron", "Guovdageaidnu", "Kautokeino", "Haram", "Snillfjord"} <= municipality_names()
    text = "Vi samarbeider med Frosta, Nord-Fron og Tromsø-regionen. Time er knapp. Vi bor i Time."
    found = [text[f.start : f.end] for f in find_municipalities(text)]
    # "Nord-Fron" whole; a compound's name part; "Time" only where its capital means a name
    assert found == ["Frosta", "Nord-Fron", "Tromsø", "Time"], found
    assert find_municipalities("Frostating og tromsø og Oslos") == []  # words, not names
    text = "Bydel Søndre Nordstrand og St. Hanshaugen"  # Oslo's districts answer as municipalities
    assert [text[f.start : f.end] for f in find_municipalities(text)] == ["Søndre Nordstrand", "St. Hanshaugen"]
    masked = Screen(names="auto", places=True).mask_one("Vi bosetter ikke. Røst er en liten øykommune, som Frosta og Grong.")
    assert masked.text == "Vi bosetter ikke. [sted] er en liten øykommune, som [sted] og [sted].", masked.text


def test_a_municipality_the_recogniser_calls_a_person_is_not_a_name():
    from fritekst.privacy._names import _plausible_name

    assert not _plausible_name("Sauda") and not _plausible_name("Solund")
    assert _plausible_name("Kari") and _plausible_name("Strand")  # a listed surname stays a name
    assert _plausible_name("Sauda Hansen")


def test_masking_places_without_an_entity_recogniser_is_refused(monkeypatch, tmp_path):
    from fritekst import nlp

    monkeypatch.setattr(spacy.util, "is_package", lambda name: False)
    monkeypatch.setenv("FRITEKST_MODELS_DIR", str(tmp_path))  # no pipeline there: the blank fallback
    nlp.load_pipeline.cache_clear()
    try:
        with pytest.raises(InputError, match="--mask-places"):
            Screen(names="list", places=True).mask_one("Vi bor i Levanger.")
        assert Screen(names="list").mask_one("Vi bor i Levanger.").text == "Vi bor i Levanger."
    finally:
        nlp.load_pipeline.cache_clear()


@pytest.mark.slow
def test_name_recall_and_no_false_alarms_in_the_example_survey():
    screen = Screen(names="list")
    masked = screen.mask([sentence for _, sentence in NAMED])
    found = [name for (name, _), m in zip(NAMED, masked) if name not in m.text and not any(p in m.text for p in name.split())]
    recall = len(found) / len(NAMED)
    missed = sorted({name for name, _ in NAMED} - set(found))
    print(f"\nname recall (list detector): {len(found)}/{len(NAMED)} = {recall:.2f}; missed or partly missed: {missed}")
    assert recall >= RECALL_FLOOR
    if "spacy" in available_name_detectors():  # the trained pipeline joins under "auto": print what it adds
        both = Screen(names="auto").mask([sentence for _, sentence in NAMED])
        hits = sum(not any(p in m.text for p in name.split()) for (name, _), m in zip(NAMED, both))
        print(f"name recall (auto: list + spaCy NER): {hits}/{len(NAMED)}")
    with open(ROOT / "examples" / "kommuneundersokelsen_fiktiv_fasit.csv", encoding="utf-8") as handle:
        answers = [row for row in csv.DictReader(handle) if "navn" not in row["personopplysninger"]]
    alarms = [m.text for m in screen.mask([row["tekst"] for row in answers]) if "[navn]" in m.text]
    assert alarms == [], alarms  # 404 answers without a name: nothing masked as one
    if "spacy" in available_name_detectors():
        extra = [m.text for m in Screen(names="auto").mask([row["tekst"] for row in answers]) if "[navn]" in m.text]
        print(f"answers without a name masked as having one (auto): {len(extra)}/{len(answers)}")
        assert len(extra) <= 2, extra  # measured: 1 ("NAV Indre Namdal"); 7 before municipalities were known


# --------------------------------------------------------------------------
# Names in lower case, e-mail addresses written around the @
# --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("Vi fikk god hjelp av kari nordmann i fjor.", "kari nordmann"),
    ("ring ingrid haugen på servicetorget", "ingrid haugen"),
    ("per olav moen i imdi kjenner regionen", "per olav moen"),
    ("spør per hansen om tilskuddet", "per hansen"),
    ("anne-lise johansen har laget opplegget", "anne-lise johansen"),
    ("en av deltakerne, mohammed ali, fikk fast jobb", "mohammed ali"),  # Ali: a first name and a surname
    ("kari haugstad svarer på alt", "kari haugstad"),  # a first name before a word no dictionary has
])
def test_names_written_in_lower_case_are_masked(text, name):
    masked = Screen(names="list").mask_one(text)
    assert masked.text == text.replace(name, "[navn]"), masked.text


@pytest.mark.parametrize("text", [
    "Det koster 500 kroner per dag og per person.", "hans strøm ble kuttet i vinter", "liv og helse er viktig",
    "vi bosetter per i dag ingen", "per capita er tilskuddet lavt", "ola sa at det gikk bra",
])
def test_lower_case_words_that_are_also_names_stay(text):
    assert Screen(names="list").mask_one(text).text == text


def test_the_example_survey_in_lower_case_gets_no_name():
    with open(ROOT / "examples" / "kommuneundersokelsen_fiktiv_fasit.csv", encoding="utf-8") as handle:
        answers = [row["tekst"].lower() for row in csv.DictReader(handle) if "navn" not in row["personopplysninger"]]
    assert [m.text for m in Screen(names="list").mask(answers) if "[navn]" in m.text] == []


@pytest.mark.parametrize("email", [
    "ola (at) kommune.no", "ola[at]kommune.no", "ola(a)kommune.no", "kari @ imdi.no", "ola at kommune dot no",
    "ola at kommune.no", "kari.nordmann at kommune punktum no", "ola.nordmann (krøllalfa) bydel.oslo.kommune.no",
])
def test_emails_written_around_the_at_sign(email):
    text = f"Skriv til {email} om dere lurer på noe."
    assert [text[f.start:f.end] for f in find_emails(text)] == [email]
    assert Screen(names="none").mask_one(text).text == "Skriv til [e-post] om dere lurer på noe."


@pytest.mark.parametrize("text", [
    "Vi mener at nav.no er vanskelig å bruke.", "Det viser at kommune.no ikke er oppdatert.",
    "Det er viktig at dere svarer.", "Vi håper at imdi.no blir bedre.", "Vi så at 2.5 prosent flyttet.",
])
def test_at_in_ordinary_norwegian_is_no_email(text):
    assert find_emails(text) == []


def test_no_email_in_the_example_survey_but_the_planted_one():
    with open(ROOT / "examples" / "kommuneundersokelsen_fiktiv_fasit.csv", encoding="utf-8") as handle:
        texts = [row["tekst"] for row in csv.DictReader(handle)]
    found = [text[f.start:f.end] for text in texts for f in find_emails(text)]
    assert len(found) == 1 and "@" in found[0], found


# --------------------------------------------------------------------------
# End to end: a survey with planted identifiers, run, report in three formats
# --------------------------------------------------------------------------

PLANTED = [
    f"Familien venter fortsatt på bankkonto, fødselsnummeret {FNR} er registrert men ikke aktivert.",
    f"Vi har fått feil fødselsnummer {FNR_2[:6]} {FNR_2[6:]} på en deltaker, og det tar lang tid å rette.",
    f"Deltakeren har D-nummer {DNR} og får ikke BankID før fødselsnummeret kommer.",
    f"Ring oss gjerne på {PHONES[0]} om dere lurer på hvordan vi har organisert bosettingen.",
    f"Flyktningtjenesten har vakttelefon {PHONES[1]} hele døgnet, og den brukes mye av familiene.",
    f"Spørsmål om tilskudd kan sendes til saksbehandler på telefon {PHONES[2]} på dagtid.",
    f"Voksenopplæringen har eget nummer {PHONES[3]} for påmelding til norskkurs for nyankomne.",
    f"Vi har et godt samarbeid med næringslivet om praksis; skriv til {EMAILS[0]} for å høre mer.",
    f"Tilskuddsspørsmål kan sendes til {EMAILS[1]} så svarer vi så fort vi kan.",
    f"Familien bor i {ADDRESSES[0]} i en kommunal bolig som er alt for liten for seks personer.",
    f"Vi har leid et helt hus i {ADDRESSES[1]} til storfamilien, men leien er svært høy.",
    f"Det nye introsenteret i {ADDRESSES[2]} samler voksenopplæring, NAV og flyktningtjenesten.",
    f"Saken har saksnummer {BAD_FNR} i arkivet, og vi venter på svar fra IMDi om ekstratilskudd.",
    f"Vi har søkt om tilskudd i sak {CASE_NUMBER} men har ikke fått noe svar fra IMDi ennå.",
    "Budsjettet for bosetting er 12 345 678 kroner, og det dekker ikke de reelle kostnadene våre.",
    "Vi bosatte like mange i 2023 og 2025, men familiene er blitt større og trenger større boliger.",
]


@pytest.fixture(scope="module")
def planted_reports(tmp_path_factory, cache_file):
    """A survey whose answers carry every kind of identifier, coded by a coder (so that every
    answer is eligible as a quote), run for real and reported as .md, .xlsx and .docx."""
    folder = tmp_path_factory.mktemp("planted")
    answers = PLANTED + [sentence for _, sentence in NAMED]
    survey, coded = folder / "survey.csv", folder / "coded.csv"
    with open(survey, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "rolle", "aar", "svar"])
        for i, text in enumerate(answers):
            writer.writerow([f"{100 + i}", ["Integreringsansvarlig", "Kommunedirektør"][i % 2], "2025", text])
    with open(coded, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "code_id", "coder"])
        for i in range(len(answers)):
            writer.writerow([f"{100 + i}", ["kontakt_imdi", "bolig", "tilskudd"][i % 3], "tester"])
    runner = CliRunner()
    run_dir = folder / "run"
    result = runner.invoke(app, ["run", str(survey), "--text", "svar", "--id", "id", "--role", "rolle", "--wave", "aar",
                                 "--codebook", str(CODEBOOK), "--coded", str(coded), "--out", str(run_dir),
                                 "--cache", str(cache_file)])
    assert result.exit_code == 0, result.output
    texts = {}
    for suffix in (".md", ".xlsx", ".docx"):
        out = folder / f"rapport{suffix}"
        result = runner.invoke(app, ["report", str(run_dir), "--out", str(out), "-k", "100", "--cache", str(cache_file)])
        assert result.exit_code == 0, result.output
        texts[suffix] = read_back(out)
    return texts


def read_back(path: Path) -> str:
    """Every piece of text in a report file, tables included."""
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    if path.suffix == ".xlsx":
        book = load_workbook(path)
        return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)
    from docx import Document

    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


IDENTIFIERS = [FNR, FNR_2, DNR, *PHONES, *EMAILS, *ADDRESSES]


@pytest.mark.parametrize("suffix", [".md", ".xlsx", ".docx"])
def test_no_valid_identifier_in_any_report_format(planted_reports, suffix):
    text = planted_reports[suffix]
    assert "Deltakeren har D-nummer" in text  # the planted answers are printed (as quotes) …
    squeezed = re.sub(r"[\s\u00a0]", "", text)
    for identifier in IDENTIFIERS:  # … and no identifier in any spacing
        assert identifier not in text and re.sub(r"\s", "", identifier) not in squeezed, identifier
    for kind in ("[fødselsnummer]", "[d-nummer]", "[telefon]", "[e-post]", "[adresse]", "[navn]"):
        assert kind in text
    for number in STAY:  # numbers that only look like identifiers are printed as written
        assert number in text.replace("\u00a0", " "), number


@pytest.mark.parametrize("suffix", [".md", ".xlsx", ".docx"])
def test_name_recall_in_the_reports(planted_reports, suffix):
    text = planted_reports[suffix]
    hidden = [name for name, _ in NAMED if not any(re.search(rf"\b{re.escape(part)}\b", text) for part in name.split())]
    print(f"\n{suffix}: {len(hidden)}/{len(NAMED)} planted names fully masked")
    assert len(hidden) / len(NAMED) >= RECALL_FLOOR


def test_the_report_says_what_was_masked_without_the_values(planted_reports):
    text = planted_reports[".md"]
    assert "## Spørsmål svar" in text and "### Maskerte personopplysninger" in text
    masked_list = text.split("### Maskerte personopplysninger")[1]
    assert "telefon" in masked_list and "e-post" in masked_list and PHONES[0] not in masked_list


def test_answers_in_the_run_are_not_altered(planted_reports, tmp_path_factory):
    run_dir = next(Path(tmp_path_factory.getbasetemp()).glob("planted*/run"))
    assert FNR in (run_dir / "assignments.csv").read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# Roles and attributes: printed as headings and beside quotes, so screened too
# --------------------------------------------------------------------------

ROLES = ["Integreringsansvarlig", "Kommunedirektør", "Rådgiver Tonje Pettersen"]  # one role names a person
TEAMS = ["Flyktningtjenesten", "Voksenopplæringen", "Team Marte Solberg"]  # a split whose group names a person
ATTRIBUTE_NAMES = ["Tonje", "Pettersen", "Marte", "Solberg"]


@pytest.fixture(scope="module")
def attribute_run(tmp_path_factory, cache_file):
    """The planted answers from respondents with an e-mail column (every value an address), a team
    column with three groups, one named after a person, and a role that names one; run for real."""
    folder = tmp_path_factory.mktemp("attributes")
    answers = PLANTED + [sentence for _, sentence in NAMED]
    survey, coded = folder / "survey.csv", folder / "coded.csv"
    with open(survey, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "rolle", "aar", "epost", "team", "svar"])
        for i, text in enumerate(answers):
            writer.writerow([f"{100 + i}", ROLES[i % 3], "2025", f"ansatt{i}@kommunen.example", TEAMS[i % 3], text])
    with open(coded, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "code_id", "coder"])
        for i in range(len(answers)):
            writer.writerow([f"{100 + i}", ["kontakt_imdi", "bolig", "tilskudd"][i % 3], "tester"])
    run_dir = folder / "run"
    result = CliRunner().invoke(app, ["run", str(survey), "--text", "svar", "--id", "id", "--role", "rolle", "--wave", "aar",
                                      "--attr", "epost", "--attr", "team", "--codebook", str(CODEBOOK), "--coded", str(coded),
                                      "--out", str(run_dir), "--cache", str(cache_file)])
    assert result.exit_code == 0, result.output
    return run_dir


@pytest.fixture(scope="module")
def attribute_reports(attribute_run, cache_file, tmp_path_factory):
    folder = tmp_path_factory.mktemp("attribute-reports")
    texts = {}
    for suffix in (".md", ".xlsx", ".docx"):
        out = folder / f"rapport{suffix}"
        result = CliRunner().invoke(app, ["report", str(attribute_run), "--out", str(out), "-k", "100", "--cache", str(cache_file)])
        assert result.exit_code == 0, result.output
        texts[suffix] = read_back(out)
    return texts


@pytest.mark.parametrize("suffix", [".md", ".xlsx", ".docx"])
def test_role_and_attribute_values_are_screened_in_every_report_format(attribute_reports, suffix):
    text = attribute_reports[suffix]
    assert "Team [navn]" in text and "Rådgiver [navn]" in text  # the split and the role table, masked
    assert "Flyktningtjenesten" in text and "Integreringsansvarlig" in text  # values without personal data stay
    for name in ATTRIBUTE_NAMES:
        assert not re.search(rf"\b{name}\b", text), name
    assert "@kommunen.example" not in text  # the e-mail column is neither a split nor beside the quotes


def test_the_report_says_why_a_column_of_identifiers_is_left_out(attribute_reports):
    assert "Kolonnen «epost» inneholder personopplysninger (e-post)" in attribute_reports[".md"]


def test_splitting_by_a_column_of_identifiers_is_refused(attribute_run, cache_file, tmp_path):
    result = CliRunner().invoke(app, ["report", str(attribute_run), "--out", str(tmp_path / "r.md"), "--by", "epost",
                                      "--cache", str(cache_file)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.output
    assert "'epost' holds personal data (e-post)" in result.stderr and "@" not in result.stderr


def test_quotes_cli_screens_the_role_and_attributes_beside_each_quote(attribute_run, cache_file):
    result = CliRunner().invoke(app, ["quotes", str(attribute_run), "--category", "bolig", "-k", "5", "--cache", str(cache_file)])
    assert result.exit_code == 0, result.output
    assert "team=" in result.stdout and "@kommunen.example" not in result.stdout
    assert not any(re.search(rf"\b{name}\b", result.stdout) for name in ATTRIBUTE_NAMES), result.stdout
    assert "epost (e-post)" in result.stderr


def test_screen_columns_masks_values_and_refuses_columns_of_identifiers():
    import pandas as pd

    from fritekst.privacy import screen_columns

    table = pd.DataFrame({
        "role": ["Leder", "Leder", "Kontakt Kari Nordmann", ""],
        "epost": ["a@b.example", "c@d.example", "ola (at) kommune.no", "-"],
        "region": ["Trøndelag", "Agder", "Agder", "Nord-Norge"],
    })
    screened, refused = screen_columns(table, ["role", "epost", "region"], Screen(names="list", places=True))
    assert screened["role"].tolist() == ["Leder", "Leder", "Kontakt [navn]", ""]
    assert refused == {"epost": "e-post"} and set(screened["epost"]) == {""}
    assert screened["region"].tolist() == table["region"].tolist()  # a group's place is not masked (decision 006)


def test_the_common_word_list_is_kept_beside_the_cache_and_read_from_there(tmp_path, monkeypatch):
    """Parsing Ordbank costs a warm re-run 2-3 s; the next process reads the kept list instead."""
    from fritekst.privacy import _capitals

    monkeypatch.setenv("FRITEKST_CACHE", str(tmp_path / "embeddings.sqlite"))
    _capitals.common_words.cache_clear()
    try:
        parsed = _capitals.common_words()
        kept = list(tmp_path.glob("ordbank_common_words-*.txt"))
        assert len(kept) == 1 and "liv" in parsed and "kari" not in parsed
        kept[0].write_text(kept[0].read_text(encoding="utf-8") + "\nkvistbråten", encoding="utf-8")
        _capitals.common_words.cache_clear()
        read = _capitals.common_words()
        assert read - parsed == {"kvistbråten"} and parsed <= read  # what the file says is what counts
    finally:
        _capitals.common_words.cache_clear()


def test_a_screen_keeps_each_texts_findings_in_the_cache_and_uses_what_it_holds(tmp_path):
    """The entity recogniser was most of a report's time, over quotes earlier reports had masked;
    a screen with a cache finds each text once per fingerprint, and forgetting a text forgets them."""
    import sqlite3

    from fritekst.embed import EmbeddingCache
    from fritekst.embed.cache import text_key

    texts = ["Ring Kari Nordmann på 912 34 567.", "Vi trenger flere boliger.", "Ring Kari Nordmann på 912 34 567."]
    screen = Screen(names="list")
    cache = EmbeddingCache(tmp_path / "embeddings.sqlite")
    try:
        first = screen.mask(texts, cache=cache)
        assert [m.text for m in first] == ["Ring [navn] på [telefon].", "Vi trenger flere boliger.", "Ring [navn] på [telefon]."]
        with sqlite3.connect(cache.path) as db:
            rows = dict(db.execute("SELECT text_sha256, screen FROM findings"))
            assert rows == {text_key(texts[0]): screen.fingerprint, text_key(texts[1]): screen.fingerprint}
            db.execute("UPDATE findings SET spans = ? WHERE text_sha256 = ?", ('[[0, 2, "navn"]]', text_key(texts[1])))
        assert screen.mask(texts, cache=cache)[1].text == "[navn] trenger flere boliger."  # what the cache holds
        assert Screen(names="list").mask(texts[1:2])[0].text == texts[1]  # no cache: found again
        assert Screen(names="none").fingerprint != screen.fingerprint != Screen(names="list", places=True).fingerprint
        assert cache.forget(texts[:1]) == 1  # the one row kept of it: its findings
        with sqlite3.connect(cache.path) as db:
            assert [key for (key,) in db.execute("SELECT text_sha256 FROM findings")] == [text_key(texts[1])]
    finally:
        cache.close()
