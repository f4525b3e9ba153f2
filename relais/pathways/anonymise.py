"""Anonymising a case presentation before it is shared with peers (referential 2.16,
« analyse de sa pratique »): what identifies the person is replaced, and what still looks
like a name is pointed out so that the author checks before sharing.

Two passes (decision 0056):
1. the person's own identity fields, when the author starts from a record: every name
   (birth, usage, each first name, accents and case ignored), birth date, address, postal
   code, phone, e-mail, France Travail identifier;
2. common patterns, whoever they belong to: e-mail addresses, French phone numbers, NIR
   (social security numbers), IBAN, dates (« 12/03/1985 », « 12 mars 1985 »), street
   addresses (« 12 bis rue des Lilas »), postal codes.
Then `remaining_names` lists the capitalised words that are neither at the start of a
sentence nor ordinary words of the field (institutions, schemes, months…): possibly the
name of a relative, an employer, a town. The tool cannot be sure; the author decides."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from relais.core.text import fold

NAME = "[Nom]"
FIRST_NAME = "[Prénom]"
MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre"
)
STREET_WORDS = (
    "rue|avenue|av\\.|boulevard|bd|chemin|allée|allee|place|impasse|route|quai|cours|"
    "square|résidence|residence|cité|cite|lotissement|chaussée|chaussee|voie|sentier|passage"
)
PATTERNS: list[tuple[str, re.Pattern[str], str]] = [
    ("e-mail", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE), "[e-mail]"),
    (
        "IBAN",
        re.compile(r"\bFR\d{2}(?:\s?[0-9A-Z]{4}){5}\s?[0-9A-Z]{3}\b", re.IGNORECASE),
        "[IBAN]",
    ),
    (
        "numéro de sécurité sociale",
        re.compile(
            r"\b[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?\b"
        ),
        "[NIR]",
    ),
    (
        "téléphone",
        re.compile(r"(?:\+33\s?|0033\s?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b"),
        "[téléphone]",
    ),
    (
        "date",
        re.compile(rf"\b\d{{1,2}}(?:er)?\s+(?:{MONTHS})\s+\d{{4}}\b", re.IGNORECASE),
        "[date]",
    ),
    ("date", re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"), "[date]"),
    (
        "adresse",
        re.compile(
            rf"\b\d{{1,4}}(?:\s?(?:bis|ter|quater))?,?\s+(?:{STREET_WORDS})\b[^,.;\n]{{0,60}}",
            re.IGNORECASE,
        ),
        "[adresse]",
    ),
    ("code postal", re.compile(r"\b(?:0[1-9]|[1-8]\d|9[0-8]|2[AB])\d{3}\b"), "[code postal]"),
]
# Capitalised words that are not names (compared folded).
ORDINARY = set(
    fold(
        " ".join(
            [
                "Le La Les Un Une Des Du De Et Ou Il Elle Ils Elles On Nous Vous Je Tu Son Sa Ses",
                "Ce Cette Ces Mais Donc Car Ni Or Puis Après Avant Depuis Pendant Lors Quand",
                "Monsieur Madame Mme Mlle M Mr Docteur Dr Maître Me Personne Nom Prénom",
                "Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche",
                MONTHS.replace("|", " "),
                "France Travail Pôle Emploi Mission Locale CAF CPAM MDPH MSA RSA AAH ASS ARE",
                "PLIE CEJ IAE SIAE ACI EI ETTI AI CCAS CIAS CHRS CADA SIAO DALO FSL APL CMU CSS",
                "Département Conseil Départemental Région Mairie Préfecture État Etat Tribunal",
                "Juge Justice SPIP PJJ ASE Aide Sociale Enfance Hôpital Centre Médico Social",
                "Français Française Anglais Arabe Europe Internet Facebook",
                "Dossier Ordre Objet Situation Contexte Demande Analyse Question Questions",
                "Présentation Problématique Hypothèses Pistes Conclusion Bilan Synthèse",
                "X Y Z",
            ]
        )
    ).split()
)


@dataclass(frozen=True)
class Replacement:
    kind: str
    count: int


@dataclass
class Anonymised:
    text: str
    replacements: list[Replacement] = field(default_factory=list)
    remaining: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Identity:
    """What identifies the person the presentation starts from (any field may be empty)."""

    surnames: tuple[str, ...] = ()
    first_names: tuple[str, ...] = ()
    birth_date: dt.date | None = None
    address: str = ""
    postal_code: str = ""
    phone: str = ""
    email: str = ""
    france_travail_id: str = ""


def identity_of(person) -> Identity:
    words = lambda value: tuple(w for w in re.split(r"[\s,]+", value or "") if len(w) > 1)  # noqa: E731
    return Identity(
        surnames=words(person.birth_name) + words(person.usage_name),
        first_names=words(person.first_names),
        birth_date=person.birth_date,
        address=person.address,
        postal_code=person.postal_code,
        phone=person.phone,
        email=person.email,
        france_travail_id=person.france_travail_id,
    )


def _word_pattern(word: str) -> re.Pattern[str]:
    """A name, case- and accent-insensitive, as a whole word (hyphens inside allowed)."""
    letters = []
    for char in word:
        folded = fold(char)
        if folded and folded.isalpha() and len(folded) == 1:
            letters.append(f"[{folded}{folded.upper()}{_accented(folded)}]")
        elif char in "-' ":
            letters.append(r"[-' ]?")
        else:
            letters.append(re.escape(char))
    return re.compile(r"(?<![\w])" + "".join(letters) + r"(?![\w])")


_ACCENTS = {
    "a": "àâäáÀÂÄÁ",
    "e": "éèêëÉÈÊË",
    "i": "îïíÎÏÍ",
    "o": "ôöóÔÖÓ",
    "u": "ùûüúÙÛÜÚ",
    "c": "çÇ",
    "y": "ÿŸ",
    "n": "ñÑ",
}


def _accented(letter: str) -> str:
    return _ACCENTS.get(letter, "")


def _sub(text: str, pattern: re.Pattern[str], replacement: str) -> tuple[str, int]:
    return pattern.subn(replacement, text)


def anonymise(text: str, identity: Identity | None = None) -> Anonymised:
    identity = identity or Identity()
    counts: dict[str, int] = {}

    def count(kind: str, n: int) -> None:
        if n:
            counts[kind] = counts.get(kind, 0) + n

    # 1. The person's own fields, longest first (« Marie-Hélène » before « Marie »).
    literal = [
        ("adresse", identity.address, "[adresse]"),
        ("e-mail", identity.email, "[e-mail]"),
        ("identifiant France Travail", identity.france_travail_id, "[identifiant]"),
    ]
    for kind, value, token in literal:
        if value and len(value) > 3:
            text, n = _sub(text, re.compile(re.escape(value), re.IGNORECASE), token)
            count(kind, n)
    if identity.phone:
        digits = re.sub(r"\D", "", identity.phone)[-9:]
        if len(digits) == 9:
            spaced = r"[\s.-]?".join(digits)
            text, n = _sub(text, re.compile(rf"(?:\+33\s?|0){spaced}"), "[téléphone]")
            count("téléphone", n)
    if identity.birth_date:
        b = identity.birth_date
        forms = {f"{b:%d/%m/%Y}", f"{b.day}/{b.month}/{b.year}", f"{b:%d.%m.%Y}", f"{b:%d-%m-%Y}"}
        for form in sorted(forms, key=len, reverse=True):
            text, n = _sub(text, re.compile(re.escape(form)), "[date de naissance]")
            count("date de naissance", n)
    # E-mail addresses before names: « lea.martin@… » is one thing to hide.
    text, n = _sub(text, PATTERNS[0][1], PATTERNS[0][2])
    count(PATTERNS[0][0], n)
    names = [(w, NAME) for w in identity.surnames] + [(w, FIRST_NAME) for w in identity.first_names]
    for word, token in sorted(names, key=lambda item: len(item[0]), reverse=True):
        text, n = _sub(text, _word_pattern(word), token)
        count("nom ou prénom de la personne", n)
    # 2. Common patterns.
    for kind, pattern, token in PATTERNS[1:]:
        text, n = _sub(text, pattern, token)
        count(kind, n)
    return Anonymised(
        text=text,
        replacements=[Replacement(kind, n) for kind, n in counts.items()],
        remaining=remaining_names(text, identity),
    )


_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]\s*|[«\"(]\s*|-\s+)$")
_CAPITALISED = re.compile(r"\b[A-ZÀÂÄÉÈÊËÎÏÔÖÙÛÜÇ][a-zàâäéèêëîïôöùûüç]+(?:-[A-ZÀ-Ü][a-zà-ü]+)?\b")


def remaining_names(text: str, identity: Identity | None = None) -> list[str]:
    """Words that may still identify someone: the person's names (if any survived an
    edit) and capitalised words inside a sentence that are not ordinary words."""
    found: dict[str, None] = {}
    identity = identity or Identity()
    for word in (*identity.surnames, *identity.first_names):
        match = _word_pattern(word).search(text)
        if match:
            found[match.group(0)] = None
    for match in _CAPITALISED.finditer(text):
        word = match.group(0)
        if fold(word) in ORDINARY or word in found:
            continue
        before = text[max(0, match.start() - 3) : match.start()]
        if _SENTENCE_START.search(before) or match.start() == 0:
            continue
        found[word] = None
    return list(found)
