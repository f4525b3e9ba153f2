"""What the writing check flags (`relais.pathways.writing_check`): the categories, with what
the author is told about each (explanation, suggestion), and the vocabulary, one `Term` per
word with its category and, where the generated French inflections are not enough, its forms
and the homographs it excludes.

Kept apart from the matching because this is the part that changes: flagging a new word is
adding a `Term` here (and a case to tests/pathways/test_writing_check.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
