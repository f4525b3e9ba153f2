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
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache


class FlagCategory(StrEnum):
    JUDGEMENT = "judgement"
    DIAGNOSIS = "diagnosis"
    HEALTH = "health"
    RELIGION = "religion"
    ORIGIN = "origin"
    SEXUALITY = "sexuality"
    OPINION = "opinion"


@dataclass(frozen=True)
class CategoryInfo:
    label: str
    explanation: str
    suggestion: str


_SENSITIVE = (
    "C'est une donnée sensible (article 9 du RGPD) : elle ne peut figurer dans le dossier que "
    "si elle est strictement nécessaire à l'accompagnement, avec l'accord de la personne. "
)

CATEGORIES: dict[FlagCategory, CategoryInfo] = {
    FlagCategory.JUDGEMENT: CategoryInfo(
        label="Jugement de valeur",
        explanation=(
            "Ce mot exprime une appréciation subjective sur la personne, pas un fait. Les écrits "
            "professionnels doivent être objectifs, pertinents et non excessifs, ni insultants "
            "(CNIL, référentiel de l'accompagnement social) ; la personne peut demander à lire "
            "tout ce qui est écrit sur elle."
        ),
        suggestion=(
            "Décrivez les faits observés (quoi, quand, combien de fois) ou citez les paroles de "
            "la personne entre guillemets, plutôt que de qualifier la personne."
        ),
    ),
    FlagCategory.DIAGNOSIS: CategoryInfo(
        label="Terme de diagnostic médical",
        explanation=(
            "Seul un professionnel de santé pose un diagnostic. Écrit par un autre "
            "professionnel, ce terme est une interprétation qui peut étiqueter durablement la "
            "personne, et c'est une donnée de santé (donnée sensible, article 9 du RGPD)."
        ),
        suggestion=(
            "Décrivez ce que vous avez observé ou ce que la personne a dit, et indiquez la "
            "source (« Mme X indique être suivie par… », « selon le courrier du médecin… ») — "
            "seulement si c'est utile à l'accompagnement."
        ),
    ),
    FlagCategory.HEALTH: CategoryInfo(
        label="Donnée de santé",
        explanation=_SENSITIVE
        + "Une information de santé ne doit pas être notée « au cas où » : elle est couverte "
        "par le secret et ne se partage pas avec les partenaires sans cadre.",
        suggestion=(
            "Demandez-vous si l'information est nécessaire. Si oui, notez seulement ce qui a une "
            "incidence sur le parcours (« contre-indication au port de charges selon le "
            "médecin du travail »), avec sa source ; sinon, supprimez-la."
        ),
    ),
    FlagCategory.RELIGION: CategoryInfo(
        label="Conviction religieuse",
        explanation=_SENSITIVE
        + "La religion d'une personne n'a en général aucune utilité pour son parcours "
        "d'insertion et peut conduire à des discriminations.",
        suggestion=(
            "Supprimez la mention. Si une contrainte pratique compte pour le parcours (horaires, "
            "tenue), décrivez la contrainte elle-même, avec les mots de la personne."
        ),
    ),
    FlagCategory.ORIGIN: CategoryInfo(
        label="Origine raciale ou ethnique",
        explanation=_SENSITIVE
        + "Noter une origine supposée expose la personne à des discriminations et ne décrit "
        "pas sa situation.",
        suggestion=(
            "Supprimez la mention. Notez plutôt les faits utiles au parcours : langues parlées, "
            "niveau de français, situation administrative, date d'arrivée en France."
        ),
    ),
    FlagCategory.SEXUALITY: CategoryInfo(
        label="Vie sexuelle ou orientation sexuelle",
        explanation=_SENSITIVE
        + "La vie intime de la personne n'a pas sa place dans un écrit d'accompagnement, sauf "
        "nécessité impérieuse (protection, violences).",
        suggestion=(
            "Supprimez la mention. S'il s'agit d'une situation de danger ou de violence, "
            "décrivez les faits et les mesures de protection, sans qualifier la vie intime."
        ),
    ),
    FlagCategory.OPINION: CategoryInfo(
        label="Opinion politique ou syndicale",
        explanation=_SENSITIVE
        + "Les opinions politiques, philosophiques et l'appartenance syndicale ne doivent pas "
        "être enregistrées dans un dossier d'accompagnement.",
        suggestion="Supprimez la mention : elle n'est pas utile au parcours de la personne.",
    ),
}


@dataclass(frozen=True)
class Term:
    """A word to flag. `lemma` is shown to the user; `forms`, if given, replace the
    generated inflections (folded spelling); `extra` adds forms to them; `excludes` lists
    spellings (lowercase, accents kept) that are another word; `standalone` terms are
    not matched as part of a hyphenated compound."""

    lemma: str
    category: FlagCategory
    forms: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    advice: str = ""
    # Short words also found inside hyphenated compounds ("CD-ROM"): match them only alone.
    standalone: bool = False


J, D, H = FlagCategory.JUDGEMENT, FlagCategory.DIAGNOSIS, FlagCategory.HEALTH
R, ORI, S, P = (
    FlagCategory.RELIGION,
    FlagCategory.ORIGIN,
    FlagCategory.SEXUALITY,
    FlagCategory.OPINION,
)

VOCABULARY: tuple[Term, ...] = (
    # Value judgements.
    Term(
        "fainéant",
        J,
        extra=("faineantise",),
        advice="Par exemple : « ne s'est pas présenté aux trois derniers rendez-vous ».",
    ),
    Term("feignant", J, extra=("feignasse", "feignasses")),
    Term("paresseux", J),
    Term("glandeur", J),
    Term("tire-au-flanc", J, forms=("tire au flanc",)),
    Term(
        "menteur",
        J,
        extra=("mensonger", "mensongere", "mensongers", "mensongeres"),
        advice="Par exemple : « les dates indiquées ne correspondent pas à l'attestation de "
        "France Travail ».",
    ),
    Term("mythomane", J, extra=("mytho", "mythos")),
    Term("manipulateur", J),
    Term("profiteur", J),
    Term("parasite", J),
    Term(
        "assisté",
        J,
        excludes=("assiste", "assistes"),  # "il assiste à…": the verb
        advice="« Assisté·e » est péjoratif ; décrivez les aides perçues et les démarches faites.",
    ),
    Term("cas social", J, forms=("cas social", "cas sociaux", "cas soc")),
    Term(
        "sale",
        J,
        excludes=("salé", "salée", "salés", "salées"),
        advice="Décrivez l'observation utile au parcours (« tenue non adaptée à l'entretien "
        "d'embauche ») ou supprimez-la.",
    ),
    Term("crasseux", J),
    Term(
        "agressif",
        J,
        extra=("agressivite",),
        advice="Décrivez le comportement et le contexte : « a haussé le ton lorsque… », "
        "« a quitté l'entretien en claquant la porte ».",
    ),
    Term("hystérique", J, extra=("hysterie",)),
    Term("asocial", J),
    Term("marginal", J),
    Term("caractériel", J),
    Term(
        "incapable",
        J,
        advice="Précisez ce qui n'a pas pu être fait et pourquoi (« n'a pas pu remplir le "
        "formulaire en ligne sans aide »).",
    ),
    Term("de mauvaise foi", J, forms=("de mauvaise foi", "mauvaise foi")),
    Term("malhonnête", J),
    Term("voleur", J),
    Term("immature", J),
    Term("irresponsable", J),
    Term("capricieux", J),
    Term("arrogant", J),
    Term("insolent", J),
    Term("grossier", J, forms=("grossier", "grossiers", "grossiere", "grossieres")),
    Term("vulgaire", J),
    Term("idiot", J),
    Term("stupide", J),
    Term("simplet", J, forms=("simplet", "simplets", "simplette", "simplettes")),
    Term("attardé", J, excludes=("attarde", "attardes")),  # "il s'attarde"
    Term("pénible", J),
    Term("insupportable", J),
    Term("je-m'en-foutiste", J, forms=("je m en foutiste", "je m en foutistes")),
    Term("clochard", J, extra=("clodo", "clodos")),
    # Diagnostic-like health terms.
    Term("schizophrène", D, extra=("schizophrenie", "schizo", "schizos")),
    Term("dépressif", D, extra=("depression", "depressions", "depressive")),
    Term("bipolaire", D, extra=("bipolarite",)),
    Term("paranoïaque", D, extra=("paranoia", "parano", "paranos")),
    Term("psychotique", D, extra=("psychose", "psychoses")),
    Term("psychopathe", D),
    Term("pervers", D, extra=("perversion",)),
    Term("débile", D, extra=("debilite",)),
    Term("alcoolique", D, extra=("alcoolisme", "alcoolo", "alcoolos")),
    Term("toxicomane", D, extra=("toxicomanie", "toxico", "toxicos")),
    Term(
        "drogué",
        D,
        excludes=("drogue", "drogues"),  # "la drogue": the substance, not a label
    ),
    Term("autiste", D, extra=("autisme",)),
    Term("hyperactif", D),
    Term("anorexique", D, extra=("anorexie",)),
    Term("boulimique", D, extra=("boulimie",)),
    Term("suicidaire", D),
    Term("maladie mentale", D, forms=("maladie mentale", "maladies mentales", "malade mental")),
    Term("handicapé mental", D, forms=("handicape mental", "handicapee mentale")),
    # Health data in general.
    Term("VIH", H, forms=("vih", "sida")),
    Term("séropositif", H),
    Term("cancer", H, forms=("cancer", "cancers", "chimiotherapie")),
    Term("hépatite", H),
    Term("diabète", H, extra=("diabetique", "diabetiques")),
    Term("épilepsie", H, extra=("epileptique", "epileptiques")),
    Term("psychiatrie", H, extra=("psychiatre", "psychiatres", "psychiatrique", "psychiatriques")),
    Term("antidépresseur", H),
    Term("neuroleptique", H, extra=("anxiolytique", "anxiolytiques")),
    Term("méthadone", H, extra=("subutex",)),
    Term("addiction", H, extra=("desintoxication", "desintox", "sevrage")),
    Term("grossesse", H, extra=("ivg", "avortement")),
    # Religion.
    Term("musulman", R),
    Term("juif", R),
    Term("chrétien", R),
    Term("catholique", R),
    Term("protestant", R),
    Term("évangélique", R, extra=("evangeliste", "evangelistes")),
    Term("bouddhiste", R),
    Term("hindou", R),
    Term("athée", R),
    Term("islam", R, extra=("islamique", "islamiques", "islamiste", "islamistes", "salafiste")),
    Term("ramadan", R, forms=("ramadan", "careme")),
    Term("mosquée", R, extra=("synagogue", "synagogues")),
    Term("voilée", R, extra=("porte le voile", "porte un voile", "kippa")),
    Term("halal", R, forms=("halal", "casher", "kasher")),
    Term("religion", R, extra=("religieux", "religieuse", "religieuses")),
    Term("témoin de Jéhovah", R, forms=("temoin de jehovah", "temoins de jehovah", "jehovah")),
    Term("imam", R, extra=("rabbin", "rabbins")),
    # Racial or ethnic origin.
    Term("africain", ORI, extra=("subsaharien", "sub saharien")),
    Term("maghrébin", ORI, extra=("beur", "beurs", "beurette", "beurettes")),
    Term("rom", ORI, forms=("rom", "roms", "romani", "romanis"), standalone=True),
    Term("gitan", ORI, extra=("tzigane", "tziganes", "manouche", "manouches", "yeniche")),
    Term("asiatique", ORI),
    Term("race", ORI, forms=("race", "races", "racial", "raciale", "raciaux")),
    Term("ethnie", ORI, extra=("ethnique", "ethniques")),
    Term("métis", ORI, forms=("metis", "metisse", "metisses")),
    Term("nègre", ORI, extra=("negresse",)),
    # Sex life, sexual orientation.
    Term("homosexuel", S, extra=("homosexualite",)),
    Term("homo", S, forms=("homo", "homos"), standalone=True),
    Term("hétérosexuel", S),
    Term("bisexuel", S),
    Term("gay", S, forms=("gay", "gays")),
    Term("lesbienne", S),
    Term("transgenre", S, extra=("transsexuel", "transsexuelle")),
    Term("LGBT", S, forms=("lgbt", "lgbtq", "lgbtqi", "lgbtqia", "lgbti", "queer")),
    Term("prostitution", S, extra=("prostitue", "prostituee", "prostitues", "prostituees")),
    Term(
        "travailleur du sexe",
        S,
        forms=("travailleur du sexe", "travailleuse du sexe", "travailleurs du sexe"),
    ),
    Term("vie sexuelle", S, forms=("vie sexuelle", "sexualite", "orientation sexuelle")),
    Term("libertin", S, extra=("echangiste", "echangistes")),
    Term("amant", S),
    # Political opinions, trade-union membership.
    Term("syndiqué", P, extra=("syndicaliste", "syndicalistes", "syndicalisme")),
    Term("militant", P, extra=("militantisme",)),
    Term(
        "CGT",
        P,
        forms=("cgt", "cfdt", "cftc", "cfe cgc", "force ouvriere", "unsa", "fsu"),
    ),
    Term("communiste", P, extra=("gauchiste", "gauchistes", "anarchiste", "anarchistes")),
    Term(
        "extrême droite",
        P,
        forms=("extreme droite", "extreme gauche", "front national", "rassemblement national"),
    ),
    Term("insoumis", P, forms=("insoumis", "insoumise", "insoumises")),
    Term("gilet jaune", P, forms=("gilet jaune", "gilets jaunes")),
    Term("opinion politique", P, forms=("opinion politique", "opinions politiques")),
    Term("manifestant", P),
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
