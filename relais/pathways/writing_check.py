"""Writing check for professional notes (referential 2.6, CNIL guidance).

Before a note is saved, its text is read for words that should not appear in a social
worker's file as they stand:

- value judgements about the person ("fainéant", "menteur", "de mauvaise foi"…): a note
  records facts and the person's words, not the writer's opinion;
- diagnostic-like health terms ("schizophrène", "alcoolique"…): only a health professional
  makes a diagnosis, and written by someone else it is both a health datum and a label;
- sensitive data in the sense of article 9 of the GDPR — health, religion, racial or ethnic
  origin, sex life or sexual orientation, political opinions, trade-union membership — that
  may appear only if strictly necessary to the accompaniment, stated factually with its
  source.

The CNIL's reference framework for social and medico-social accompaniment asks that free
comments be "adéquats, pertinents, non excessifs et objectifs, ni insultants ni
discriminatoires"; the person may read everything written about them (right of access).

The check WARNS; the author decides. It never blocks a save: the flags the author accepted
are stored with the note (`Note.writing_flags`).

Matching is case- and accent-insensitive ("FAINEANT" finds "fainéant"), on whole words
("Rome" is not "rom", "salle" is not "sale") with the simple French inflections
(fainéant, fainéante, fainéants, fainéantes; agressif, agressive; menteur, menteuse).
A few homographs are told apart by their accent ("assisté" is a judgement, "il assiste à
la réunion" is not; "sale" is, "salé" is not): for those, the unaccented or differently
accented form is listed in `excludes`.

This module does the matching; the categories and the words are in
`relais.pathways.writing_vocabulary`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from relais.pathways.writing_vocabulary import (
    CATEGORIES,
    VOCABULARY,
    CategoryInfo,
    FlagCategory,
    Term,
)

_SPECIAL_FOLDS = {"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "‘": "'", "ʼ": "'"}
_WORD_CHAR = "a-z0-9"
_SEPARATORS = re.compile(r"[\s\-']+")


def _fold_char(char: str) -> str:
    lowered = char.lower()
    if lowered in _SPECIAL_FOLDS:
        return _SPECIAL_FOLDS[lowered]
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The text lowercased and without accents, with, for each folded character, the index
    of the original character it comes from (to point back at what the user typed)."""
    folded: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        for out in _fold_char(char):
            folded.append(out)
            offsets.append(index)
    return "".join(folded), offsets


def fold_word(text: str) -> str:
    folded, _ = fold_with_offsets(text)
    return _SEPARATORS.sub(" ", folded).strip()


def inflections(lemma: str) -> tuple[str, ...]:
    """Simple French inflections of a folded lemma: feminine and plural."""
    word = fold_word(lemma)
    if " " in word:
        return (word,)
    if lemma.endswith("é"):  # past participle: assisté, assistée, assistés, assistées
        return (word, word + "e", word + "s", word + "es")
    if word.endswith("teur"):
        stem = word[:-4]
        endings = ("teur", "teurs", "teuse", "teuses", "trice", "trices")
        return tuple(stem + e for e in endings)
    if word.endswith("eur"):
        stem = word[:-3]
        return tuple(stem + e for e in ("eur", "eurs", "euse", "euses"))
    if word.endswith("if"):
        stem = word[:-2]
        return tuple(stem + e for e in ("if", "ifs", "ive", "ives"))
    if word.endswith("eux"):
        stem = word[:-3]
        return tuple(stem + e for e in ("eux", "euse", "euses"))
    if word.endswith("al"):
        stem = word[:-2]
        return tuple(stem + e for e in ("al", "als", "ale", "ales", "aux"))
    if word.endswith("el"):
        return (word, word + "s", word + "le", word + "les")
    if word.endswith(("ien", "en")):
        return (word, word + "s", word + "ne", word + "nes")
    if word.endswith("e"):
        return (word, word + "s")
    if word.endswith(("s", "x")):
        return (word, word + "e", word + "es")
    return (word, word + "e", word + "s", word + "es")


def term_forms(term: Term) -> tuple[str, ...]:
    forms = term.forms or inflections(term.lemma)
    folded = [fold_word(f) for f in (*forms, *term.extra)]
    return tuple(dict.fromkeys(folded))


@cache
def _matcher() -> tuple[re.Pattern[str], dict[str, Term]]:
    by_form: dict[str, Term] = {}
    for term in VOCABULARY:
        for form in term_forms(term):
            if form in by_form and by_form[form] is not term:
                raise ValueError(f"Forme en double dans le vocabulaire : {form}")
            by_form[form] = term
    # Longest forms first, so that "de mauvaise foi" wins over "mauvaise foi".
    alternatives = sorted(by_form, key=len, reverse=True)
    parts = [r"[\s\-']+".join(re.escape(w) for w in form.split(" ")) for form in alternatives]
    pattern = re.compile(rf"(?<![{_WORD_CHAR}])(?:{'|'.join(parts)})(?![{_WORD_CHAR}])")
    return pattern, by_form


@dataclass(frozen=True)
class WritingFlag:
    """One word to reconsider: `word` as typed, at `start:end` of the text."""

    word: str
    term: str
    category: FlagCategory
    start: int
    end: int
    advice: str = ""

    @property
    def info(self) -> CategoryInfo:
        return CATEGORIES[self.category]

    @property
    def category_label(self) -> str:
        return self.info.label

    @property
    def explanation(self) -> str:
        return self.info.explanation

    @property
    def suggestion(self) -> str:
        return self.advice or self.info.suggestion

    def as_stored(self) -> dict[str, str]:
        """What is kept with the note when the author saves it anyway."""
        return {"word": self.word, "term": self.term, "category": str(self.category)}


def check_text(text: str) -> list[WritingFlag]:
    """Every flagged word of `text`, in reading order."""
    if not text:
        return []
    pattern, by_form = _matcher()
    folded, offsets = fold_with_offsets(text)
    flags: list[WritingFlag] = []
    for match in pattern.finditer(folded):
        term = by_form[_SEPARATORS.sub(" ", match.group(0))]
        start = offsets[match.start()]
        end = offsets[match.end() - 1] + 1
        word = text[start:end]
        if word.lower() in term.excludes:
            continue
        if term.standalone and (
            folded[match.start() - 1 : match.start()] == "-"
            or folded[match.end() : match.end() + 1] == "-"
        ):
            continue
        flags.append(
            WritingFlag(
                word=word,
                term=term.lemma,
                category=term.category,
                start=start,
                end=end,
                advice=term.advice,
            )
        )
    return flags


def flags_fingerprint(flags: list[WritingFlag]) -> str:
    """Identifies the set of flagged words shown to the author: "Enregistrer quand même"
    accepts exactly these; a new word typed since is shown before saving."""
    keys = sorted({f"{f.category}:{fold_word(f.word)}" for f in flags})
    return hashlib.sha256("|".join(keys).encode()).hexdigest()[:32] if keys else ""


@dataclass(frozen=True)
class Segment:
    text: str
    flag: WritingFlag | None = None


def highlight(text: str, flags: list[WritingFlag]) -> list[Segment]:
    """The text cut into plain and flagged segments, for a preview with <mark> (the
    template escapes every segment)."""
    segments: list[Segment] = []
    position = 0
    for flag in flags:
        if flag.start < position:
            continue
        if flag.start > position:
            segments.append(Segment(text[position : flag.start]))
        segments.append(Segment(text[flag.start : flag.end], flag))
        position = flag.end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def grouped(flags: list[WritingFlag]) -> list[WritingFlag]:
    """One flag per distinct word (the first occurrence), to list them without repeats."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for flag in flags:
        key = (str(flag.category), fold_word(flag.word))
        if key not in seen:
            seen.add(key)
            unique.append(flag)
    return unique
