"""Situations of the demo caseload: what brings a person to a référent, written as a
référent would write it (facts and the person's own words, no judgement).

A profile gives the person's situation (resources, household, languages…), the key life
events, the shared diagnostic domain by domain, and the pathway built with them: SMART
goals (a few deliberately not measurable yet, to show the flag) with their steps. Texts may
use {civ} (Mme / M.), {nom}, {il} / {Il} (il / elle), {e} ("e" for a woman, for agreement),
{metier} (former trade) and {employeur}."""

from __future__ import annotations

from dataclasses import dataclass, field

from relais.diagnostics.domains import Domain
from relais.pathways.models import Scheme, StepKind, StepOwner
from relais.people.models import (
    AdministrativeStatus,
    DrivingLicence,
    EducationLevel,
    FrenchLevel,
    Household,
    LifeEventKind,
    Resource,
)

# Short names: the profiles below are tables of choices.
Adm, Lic, Edu, Fr = AdministrativeStatus, DrivingLicence, EducationLevel, FrenchLevel
Hh, Ev, Res = Household, LifeEventKind, Resource

PERSON = StepOwner.PERSON
REFERENT = StepOwner.REFERENT
PARTNER = StepOwner.PARTNER


@dataclass(frozen=True)
class DomainSpec:
    domain: str
    difficulty: int
    situation: str
    strengths: str = ""
    barriers: tuple[str, ...] = ()
    words: str = ""


@dataclass(frozen=True)
class StepSpec:
    kind: str
    title: str
    offset: int  # days after the date of the plan it belongs to
    owner: str = PERSON
    owner_name: str = ""


@dataclass(frozen=True)
class GoalSpec:
    text: str
    domain: str
    indicator: str = ""
    target: str = ""
    months: int | None = None  # deadline, in months after the plan's date
    steps: tuple[StepSpec, ...] = ()


@dataclass(frozen=True)
class EventSpec:
    kind: str
    months_before: tuple[int, int]  # before the intake
    description: str
    is_rupture: bool = True


@dataclass(frozen=True)
class Profile:
    key: str
    sexes: str
    ages: tuple[int, int]
    households: tuple[str, ...]
    resources: tuple[tuple[str, ...], ...]
    education: tuple[str, ...]
    languages: tuple[tuple[str, str], ...]
    licences: tuple[tuple[str, bool], ...]
    statuses: tuple[str, ...]
    events: tuple[EventSpec, ...]
    domains: tuple[DomainSpec, ...]
    expectations: str
    goals: tuple[GoalSpec, ...]
    later_goals: tuple[GoalSpec, ...]
    upcoming: tuple[StepSpec, ...]  # offsets from today: what comes next
    overdue: StepSpec  # a step left behind (offset: days ago)
    added_goal: GoalSpec  # decided after the contract was signed
    summary: str
    news: tuple[str, ...]
    updates: tuple[str, ...]
    orientation: str  # "sur orientation …": de la Mission locale, du SPIP…
    schemes: dict[str, str] = field(default_factory=dict)  # organisation key -> scheme
    rqth: bool = False
    france_travail_id: float = 0.5
    jobs: tuple[str, ...] = ("agent·e d'entretien",)
    urgency: dict = field(default_factory=dict)  # facts of the first diagnostic
    eviction_in_days: int | None = None


# --- A. RSA de longue durée, isolement ---------------------------------------------------

RSA_ISOLATION = Profile(
    key="rsa_isolement",
    sexes="FM",
    ages=(44, 62),
    households=(Hh.ALONE,),
    resources=((Res.RSA,),),
    education=(Edu.NONE, Edu.LEVEL_3, Edu.LEVEL_3),
    languages=(("français", Fr.NATIVE), ("français, arabe", Fr.FLUENT)),
    licences=((Lic.NONE, False), (Lic.B, False)),
    statuses=(Adm.FRENCH, Adm.FRENCH, Adm.RESIDENCE_PERMIT),
    events=(
        EventSpec(
            Ev.JOB_LOSS,
            (90, 130),
            "Licenciement économique à la fermeture de l'entrepôt où {il} travaillait depuis "
            "douze ans comme {metier}.",
        ),
        EventSpec(
            Ev.SEPARATION, (50, 80), "Séparation ; départ du logement familial à cette période."
        ),
        EventSpec(
            Ev.MOVE,
            (20, 40),
            "Installation dans un studio du parc social.",
            is_rupture=False,
        ),
    ),
    domains=(
        DomainSpec(
            Domain.EMPLOYMENT,
            3,
            "Sans emploi depuis plus de huit ans. Dernier poste : {metier}. Ne se projette pas "
            "encore sur un métier précis.",
            "Longue expérience en logistique ; ponctualité soulignée par ses anciens employeurs.",
            ("R02", "R01"),
            "« Je voudrais retravailler, mais je ne sais plus par où commencer. »",
        ),
        DomainSpec(
            Domain.SOCIAL_LIFE,
            2,
            "Peu de contacts en dehors de la famille proche ; sort peu de son quartier.",
            "Fréquente la médiathèque du quartier chaque semaine.",
            ("R40", "R41"),
            "« Ça me ferait du bien de voir du monde. »",
        ),
        DomainSpec(
            Domain.HEALTH,
            2,
            "Douleurs de dos déclarées qui empêchent le port de charges lourdes. Pas de médecin "
            "traitant depuis le déménagement.",
            "Souhaite faire le point sur sa santé.",
            ("FT15",),
        ),
        DomainSpec(
            Domain.DIGITAL,
            2,
            "Pas d'ordinateur ; utilise son téléphone pour appeler mais pas pour les démarches "
            "en ligne.",
            "Demande à apprendre.",
            ("R20", "R22"),
        ),
        DomainSpec(
            Domain.MOBILITY,
            1,
            "Se déplace en transports en commun (abonnement TCL à tarif solidaire).",
            "Connaît bien le réseau de bus et de tramway.",
            ("FT7",),
        ),
        DomainSpec(
            Domain.BUDGET,
            1,
            "Budget serré mais loyer et factures payés à date.",
            "Tient un carnet de dépenses.",
            ("FT34",),
        ),
    ),
    expectations="Retrouver une activité, même à temps partiel, et sortir de l'isolement.",
    goals=(
        GoalSpec(
            "Participer à un atelier collectif de remobilisation",
            Domain.SOCIAL_LIFE,
            "Nombre de séances suivies",
            "8 séances sur 10",
            3,
            (
                StepSpec(
                    StepKind.WORKSHOP,
                    "Atelier « Reprendre confiance » au centre social",
                    20,
                    PARTNER,
                    "Centre social Grandclément",
                ),
                StepSpec(
                    StepKind.APPOINTMENT,
                    "Entretien de suivi après les premières séances",
                    45,
                    REFERENT,
                ),
            ),
        ),
        GoalSpec(
            "Faire un bilan de santé et déclarer un médecin traitant",
            Domain.HEALTH,
            "Médecin traitant déclaré",
            "Déclaration enregistrée par la CPAM",
            4,
            (
                StepSpec(
                    StepKind.ADMINISTRATIVE,
                    "Prendre rendez-vous au centre d'examens de santé de la CPAM",
                    15,
                ),
                StepSpec(StepKind.ADMINISTRATIVE, "Déclarer un médecin traitant", 60),
            ),
        ),
        GoalSpec(
            "Construire un projet professionnel compatible avec sa santé",
            Domain.EMPLOYMENT,
            steps=(
                StepSpec(
                    StepKind.REFERRAL,
                    "Atelier de découverte des métiers",
                    100,
                    PARTNER,
                    "Maison métropolitaine d'insertion pour l'emploi",
                ),
            ),
        ),
        GoalSpec(
            "S'initier aux démarches en ligne",
            Domain.DIGITAL,
            "Démarches réalisées seul·e",
            "Espaces CAF et France Travail consultés sans aide",
            5,
            (
                StepSpec(
                    StepKind.WORKSHOP,
                    "Ateliers numériques à la médiathèque (5 séances)",
                    30,
                    PARTNER,
                    "Médiathèque du Tonkin",
                ),
            ),
        ),
    ),
    later_goals=(
        GoalSpec(
            "Découvrir un métier en immersion",
            Domain.EMPLOYMENT,
            "Immersion (PMSMP) réalisée",
            "Une immersion de deux semaines",
            4,
            (
                StepSpec(
                    StepKind.IMMERSION,
                    "Immersion (PMSMP) en magasin de bricolage, rayon accueil",
                    50,
                    PARTNER,
                    "Magasin de bricolage, Vaulx-en-Velin",
                ),
            ),
        ),
    ),
    upcoming=(
        StepSpec(StepKind.APPOINTMENT, "Entretien de suivi au CCAS", 9, REFERENT),
        StepSpec(
            StepKind.WORKSHOP,
            "Atelier collectif « Mes atouts »",
            23,
            PARTNER,
            "Centre social Grandclément",
        ),
    ),
    overdue=StepSpec(StepKind.ADMINISTRATIVE, "Envoyer l'attestation de loyer à la CAF", 12),
    added_goal=GoalSpec(
        "Rejoindre une activité bénévole au jardin partagé",
        Domain.SOCIAL_LIFE,
        "Participation hebdomadaire",
        "Une demi-journée par semaine pendant 2 mois",
        3,
    ),
    summary="bénéficiaire du RSA depuis plusieurs années, {il} vit seul{e} et souhaite "
    "reprendre une activité",
    news=(
        "prévenir que l'atelier du centre social a été décalé d'une semaine",
        "dire que le rendez-vous au centre d'examens de santé a eu lieu",
        "demander de l'aide pour un courrier de la CAF",
    ),
    updates=(
        "{civ} {nom} a suivi toutes les séances de l'atelier ; {il} dit avoir « repris le rythme ».",
        "Point sur l'espace CAF : {il} s'est connecté{e} seul{e} pour la première fois.",
        "Le médecin traitant est déclaré. {civ} {nom} souhaite maintenant travailler sur le projet "
        "professionnel.",
    ),
    orientation="de la travailleuse sociale du Département",
    schemes={"ccas": Scheme.RSA, "aci": Scheme.IAE, "plie": Scheme.PLIE},
    jobs=("préparateur de commandes", "cariste", "agent de quai"),
)


# --- B. Parent seul, garde d'enfants ------------------------------------------------------

SINGLE_PARENT = Profile(
    key="parent_solo",
    sexes="FFFM",
    ages=(24, 43),
    households=(Hh.ALONE_WITH_CHILDREN,),
    resources=((Res.RSA, Res.FAMILY_BENEFITS), (Res.PRIME_ACTIVITE, Res.FAMILY_BENEFITS)),
    education=(Edu.LEVEL_3, Edu.LEVEL_4, Edu.LEVEL_3),
    languages=(
        ("français", Fr.NATIVE),
        ("français, wolof", Fr.FLUENT),
        ("portugais, français", Fr.FLUENT),
    ),
    licences=((Lic.NONE, False), (Lic.B, False), (Lic.B, True)),
    statuses=(Adm.FRENCH, Adm.FRENCH, Adm.RESIDENCE_PERMIT),
    events=(
        EventSpec(
            Ev.SEPARATION,
            (12, 36),
            "Séparation ; {il} assume seul{e} la garde des enfants.",
        ),
        EventSpec(
            Ev.JOB_LOSS,
            (10, 30),
            "Fin de contrat à durée déterminée comme {metier}.",
        ),
        EventSpec(Ev.BIRTH, (8, 24), "Naissance du plus jeune enfant.", is_rupture=False),
    ),
    domains=(
        DomainSpec(
            Domain.FAMILY,
            3,
            "Pas de solution de garde pour le plus jeune enfant ; horaires de l'école "
            "incompatibles avec des postes en horaires décalés.",
            "Voisine disponible pour dépanner ponctuellement.",
            ("FT13", "FT10"),
            "« Je ne peux rien commencer tant que je n'ai pas de place en crèche. »",
        ),
        DomainSpec(
            Domain.EMPLOYMENT,
            2,
            "A travaillé cinq ans comme {metier}. Souhaite se réorienter vers la petite enfance.",
            "Expérience de la relation client ; sens de l'organisation.",
            ("R01", "R03"),
            "« J'aimerais un métier avec des horaires de journée. »",
        ),
        DomainSpec(
            Domain.TRAINING,
            2,
            "CAP obtenu il y a dix ans, pas de formation depuis.",
            "Motivation pour se former si la garde est réglée.",
            ("R10",),
        ),
        DomainSpec(
            Domain.BUDGET,
            2,
            "Baisse des ressources depuis la séparation ; retard sur une facture d'énergie.",
            "Connaît précisément ses dépenses.",
            ("FT31", "FT30"),
        ),
        DomainSpec(
            Domain.RIGHTS,
            1,
            "Pension alimentaire fixée par le juge mais non versée : démarche ARIPA à engager.",
            "",
            ("FT36",),
        ),
        DomainSpec(Domain.MOBILITY, 1, "Trajets en tramway avec les enfants.", "", ("FT7",)),
    ),
    expectations="Trouver un mode de garde, puis une formation dans la petite enfance.",
    goals=(
        GoalSpec(
            "Obtenir une solution de garde pour le plus jeune enfant",
            Domain.FAMILY,
            "Place en crèche ou chez une assistante maternelle",
            "Solution de garde effective",
            3,
            (
                StepSpec(
                    StepKind.ADMINISTRATIVE, "Déposer la demande de place en crèche à la mairie", 7
                ),
                StepSpec(
                    StepKind.REFERRAL,
                    "Rendez-vous au Relais petite enfance",
                    20,
                    PARTNER,
                    "Relais petite enfance du quartier",
                ),
            ),
        ),
        GoalSpec(
            "Faire verser la pension alimentaire",
            Domain.RIGHTS,
            "Dossier ARIPA déposé",
            "Pension versée par la CAF",
            4,
            (StepSpec(StepKind.ADMINISTRATIVE, "Constituer le dossier ARIPA avec la CAF", 25),),
        ),
        GoalSpec(
            "Entrer en formation dans la petite enfance",
            Domain.TRAINING,
            "Inscription en formation",
            "Entrée en formation CAP accompagnant éducatif petite enfance",
            9,
            (
                StepSpec(
                    StepKind.APPOINTMENT,
                    "Réunion d'information collective du CAP AEPE",
                    60,
                    PARTNER,
                    "GRETA Lyon Métropole",
                ),
                StepSpec(
                    StepKind.TRAINING,
                    "Formation CAP AEPE (un an, en alternance)",
                    200,
                    PARTNER,
                    "GRETA Lyon Métropole",
                ),
            ),
        ),
        GoalSpec(
            "Stabiliser le budget",
            Domain.BUDGET,
            steps=(
                StepSpec(
                    StepKind.APPOINTMENT,
                    "Rendez-vous avec la conseillère en économie sociale et familiale",
                    30,
                    PARTNER,
                    "CCAS — conseillère ESF",
                ),
            ),
        ),
    ),
    later_goals=(
        GoalSpec(
            "Découvrir le métier en immersion en crèche",
            Domain.EMPLOYMENT,
            "Immersion (PMSMP) réalisée",
            "Deux semaines d'immersion",
            3,
            (
                StepSpec(
                    StepKind.IMMERSION,
                    "Immersion (PMSMP) en crèche associative",
                    45,
                    PARTNER,
                    "Crèche associative Les Petits Pas",
                ),
            ),
        ),
    ),
    upcoming=(
        StepSpec(StepKind.APPOINTMENT, "Point sur la garde et la formation", 8, REFERENT),
        StepSpec(StepKind.ADMINISTRATIVE, "Envoyer le dossier d'inscription au GRETA", 19),
    ),
    overdue=StepSpec(StepKind.ADMINISTRATIVE, "Transmettre le jugement de divorce à la CAF", 9),
    added_goal=GoalSpec(
        "Passer le permis B pour les trajets de la formation",
        Domain.MOBILITY,
        "Code de la route obtenu",
        "Code obtenu avant l'entrée en formation",
        6,
    ),
    summary="parent seul{e} de jeunes enfants, {il} cherche une solution de garde pour pouvoir "
    "se former",
    news=(
        "annoncer qu'une place en crèche est proposée à partir du mois prochain",
        "prévenir d'un rendez-vous annulé : enfant malade",
        "demander une attestation pour la CAF",
    ),
    updates=(
        "La place en crèche est confirmée. {civ} {nom} peut maintenant se rendre aux "
        "informations collectives.",
        "Le dossier ARIPA est déposé ; la CAF a accusé réception.",
        "{civ} {nom} a participé à la réunion d'information du GRETA et souhaite candidater.",
    ),
    orientation="de l'assistante sociale de la Maison de la Métropole",
    schemes={"ccas": Scheme.RSA, "plie": Scheme.PLIE, "aci": Scheme.IAE},
    jobs=("employée de libre-service", "caissière", "vendeuse en boulangerie"),
)


# --- C. Personne arrivée en France récemment ----------------------------------------------

NEWCOMER = Profile(
    key="primo_arrivant",
    sexes="FM",
    ages=(24, 50),
    households=(Hh.HOSTED, Hh.COUPLE_WITH_CHILDREN, Hh.ALONE),
    resources=((Res.RSA,), (Res.SALARY, Res.PRIME_ACTIVITE), (Res.RSA, Res.FAMILY_BENEFITS)),
    education=(Edu.LEVEL_5, Edu.LEVEL_6, Edu.LEVEL_7, Edu.LEVEL_4),
    languages=(
        ("dari, persan, anglais", Fr.BEGINNER),
        ("tigrinya, arabe", Fr.BELOW_A1),
        ("ukrainien, russe, anglais", Fr.BEGINNER),
        ("arabe, anglais", Fr.INTERMEDIATE),
        ("lingala, français", Fr.INTERMEDIATE),
    ),
    licences=((Lic.OTHER, False), (Lic.NONE, False)),
    statuses=(Adm.PROTECTED, Adm.RESIDENCE_PERMIT, Adm.PENDING),
    events=(
        EventSpec(Ev.ARRIVAL, (14, 48), "Arrivée en France."),
        EventSpec(
            Ev.OTHER,
            (6, 12),
            "Obtention d'un titre de séjour ; sortie du centre d'accueil.",
            is_rupture=False,
        ),
        EventSpec(Ev.MOVE, (3, 6), "Hébergement chez un compatriote depuis la sortie du centre."),
    ),
    domains=(
        DomainSpec(
            Domain.LANGUAGE,
            3,
            "Comprend les échanges simples ; l'écrit en français n'est pas acquis. A suivi "
            "100 heures de français dans le cadre du contrat d'intégration républicaine.",
            "Parle trois langues ; apprend vite.",
            ("FT20", "FT22"),
            "« Je veux parler français pour travailler dans mon métier. »",
        ),
        DomainSpec(
            Domain.TRAINING,
            2,
            "Diplôme de {metier} obtenu dans le pays d'origine, non reconnu en France.",
            "Diplôme de niveau supérieur et expérience.",
            ("R11",),
        ),
        DomainSpec(
            Domain.EMPLOYMENT,
            2,
            "A exercé comme {metier} pendant plusieurs années. Ne connaît pas encore le marché "
            "du travail français.",
            "Expérience professionnelle solide.",
            ("R03", "R04"),
            "« Je peux commencer par un autre travail, mais je veux revenir à mon métier. »",
        ),
        DomainSpec(
            Domain.HOUSING,
            2,
            "Hébergé{e} chez un tiers ; demande de logement social déposée.",
            "",
            ("R60",),
        ),
        DomainSpec(
            Domain.RIGHTS,
            1,
            "Titre de séjour à renouveler dans l'année.",
            "Garde tous ses documents classés.",
            ("FT35",),
        ),
        DomainSpec(
            Domain.DIGITAL,
            1,
            "Utilise son téléphone pour les démarches.",
            "Équipé·e d'un smartphone.",
        ),
    ),
    expectations="Parler français couramment et retrouver un emploi dans son métier.",
    goals=(
        GoalSpec(
            "Atteindre le niveau A2 en français",
            Domain.LANGUAGE,
            "Niveau au test de positionnement",
            "A2 validé",
            6,
            (
                StepSpec(
                    StepKind.TRAINING,
                    "Cours de français langue étrangère, 12 h par semaine",
                    20,
                    PARTNER,
                    "Centre de formation linguistique Forum Réfugiés",
                ),
                StepSpec(
                    StepKind.OTHER,
                    "Test de positionnement en fin de session",
                    170,
                    PARTNER,
                    "Centre de formation linguistique Forum Réfugiés",
                ),
            ),
        ),
        GoalSpec(
            "Faire reconnaître le diplôme obtenu à l'étranger",
            Domain.TRAINING,
            "Attestation de comparabilité",
            "Attestation ENIC-NARIC reçue",
            5,
            (
                StepSpec(
                    StepKind.ADMINISTRATIVE,
                    "Demande d'attestation de comparabilité (ENIC-NARIC)",
                    30,
                ),
            ),
        ),
        GoalSpec(
            "Renouveler le titre de séjour sans rupture de droits",
            Domain.RIGHTS,
            "Récépissé ou nouveau titre",
            "Obtenu avant l'expiration du titre actuel",
            4,
            (
                StepSpec(
                    StepKind.ADMINISTRATIVE,
                    "Demande de renouvellement en ligne (ANEF)",
                    40,
                    REFERENT,
                ),
            ),
        ),
        GoalSpec(
            "Trouver un logement autonome",
            Domain.HOUSING,
            steps=(
                StepSpec(StepKind.ADMINISTRATIVE, "Renouveler la demande de logement social", 90),
            ),
        ),
    ),
    later_goals=(
        GoalSpec(
            "Travailler dans un emploi en lien avec son métier d'origine",
            Domain.EMPLOYMENT,
            "Contrat de travail",
            "Emploi de six mois ou plus",
            9,
            (
                StepSpec(
                    StepKind.WORKSHOP,
                    "Atelier CV adapté au marché du travail français",
                    20,
                    REFERENT,
                ),
                StepSpec(
                    StepKind.IMMERSION,
                    "Immersion (PMSMP) dans une entreprise du secteur",
                    80,
                    PARTNER,
                    "Entreprise partenaire du PLIE",
                ),
            ),
        ),
    ),
    upcoming=(
        StepSpec(StepKind.APPOINTMENT, "Point sur les cours de français", 6, REFERENT),
        StepSpec(
            StepKind.WORKSHOP,
            "Atelier « Les codes de l'entreprise en France »",
            27,
            PARTNER,
            "Maison de l'emploi",
        ),
    ),
    overdue=StepSpec(StepKind.ADMINISTRATIVE, "Apporter la traduction du diplôme", 15),
    added_goal=GoalSpec(
        "Ouvrir un compte sur le portail de l'ENIC-NARIC",
        Domain.DIGITAL,
        "Compte ouvert",
        "Dossier suivi en ligne sans aide",
        2,
    ),
    summary="arrivé{e} en France il y a peu, {il} a exercé comme {metier} dans son pays et "
    "souhaite apprendre le français pour travailler",
    news=(
        "dire que le récépissé de la préfecture a été reçu",
        "prévenir que les cours de français reprennent lundi",
        "demander de l'aide pour remplir un formulaire de la CAF",
    ),
    updates=(
        "{civ} {nom} suit les cours de français avec assiduité ; la formatrice note des progrès "
        "à l'oral.",
        "L'attestation de comparabilité est arrivée : le diplôme est reconnu au niveau licence.",
        "Entretien en français sans interprète pour la première fois.",
    ),
    orientation="de la plateforme d'accueil des primo-arrivants",
    schemes={"ccas": Scheme.RSA, "plie": Scheme.PLIE, "aci": Scheme.IAE},
    france_travail_id=0.7,
    jobs=(
        "comptable",
        "infirmier·e",
        "enseignant·e de mathématiques",
        "technicien·ne en électronique",
    ),
)


# --- D. Jeune de moins de 26 ans (CEJ) ----------------------------------------------------

YOUNG = Profile(
    key="jeune",
    sexes="FMM",
    ages=(18, 25),
    households=(Hh.HOSTED, Hh.ALONE, Hh.HOSTED),
    resources=((Res.OTHER,), (Res.NONE,), (Res.OTHER, Res.SALARY)),
    education=(Edu.NONE, Edu.LEVEL_3, Edu.LEVEL_4, Edu.NONE),
    languages=(
        ("français", Fr.NATIVE),
        ("français, turc", Fr.NATIVE),
        ("français, arabe", Fr.NATIVE),
    ),
    licences=((Lic.IN_PROGRESS, False), (Lic.NONE, False)),
    statuses=(Adm.FRENCH, Adm.FRENCH, Adm.RESIDENCE_PERMIT),
    events=(
        EventSpec(
            Ev.OTHER, (12, 40), "Arrêt de la scolarité en classe de première professionnelle."
        ),
        EventSpec(
            Ev.CARE_LEAVER,
            (4, 14),
            "Fin de la prise en charge par l'aide sociale à l'enfance à 18 ans.",
        ),
        EventSpec(Ev.MOVE, (2, 8), "Hébergé{e} chez une tante depuis quelques mois."),
    ),
    domains=(
        DomainSpec(
            Domain.EMPLOYMENT,
            2,
            "Pas de projet défini ; quelques missions d'intérim en manutention.",
            "Ponctualité aux rendez-vous ; disponibilité.",
            ("R01",),
            "« Je veux un travail stable, peu importe le domaine au début. »",
        ),
        DomainSpec(
            Domain.TRAINING,
            2,
            "Pas de diplôme professionnel.",
            "Bonne maîtrise du calcul.",
            ("R10", "R12"),
        ),
        DomainSpec(
            Domain.MOBILITY,
            2,
            "Pas de véhicule ; code de la route commencé puis interrompu.",
            "",
            ("FT6",),
            "« Avec le permis, je pourrais travailler en entrepôt. »",
        ),
        DomainSpec(
            Domain.SOCIAL_LIFE,
            1,
            "Peu de soutien familial mobilisable.",
            "Amis proches, pratique le football en club.",
            ("R42",),
        ),
        DomainSpec(Domain.BUDGET, 1, "Première gestion d'un budget seul{e}.", "", ("FT31",)),
        DomainSpec(
            Domain.DIGITAL,
            0,
            "À l'aise avec le téléphone ; moins avec les courriels et les pièces jointes.",
        ),
    ),
    expectations="Trouver un métier qui plaît et passer le permis.",
    goals=(
        GoalSpec(
            "Définir un projet professionnel",
            Domain.EMPLOYMENT,
            "Métiers explorés en immersion",
            "Deux immersions réalisées",
            3,
            (
                StepSpec(
                    StepKind.WORKSHOP,
                    "Atelier « Métiers qui recrutent »",
                    10,
                    REFERENT,
                ),
                StepSpec(
                    StepKind.IMMERSION,
                    "Immersion (PMSMP) en entrepôt logistique",
                    35,
                    PARTNER,
                    "Plateforme logistique de Corbas",
                ),
                StepSpec(
                    StepKind.IMMERSION,
                    "Immersion (PMSMP) en restauration collective",
                    70,
                    PARTNER,
                    "Cuisine centrale de Vénissieux",
                ),
            ),
        ),
        GoalSpec(
            "Obtenir le permis B",
            Domain.MOBILITY,
            "Épreuves du code puis de la conduite",
            "Permis obtenu",
            9,
            (
                StepSpec(
                    StepKind.ADMINISTRATIVE,
                    "Demande d'aide au financement du permis",
                    15,
                ),
                StepSpec(
                    StepKind.TRAINING,
                    "Code de la route en auto-école associative",
                    45,
                    PARTNER,
                    "Auto-école associative",
                ),
            ),
        ),
        GoalSpec(
            "Mieux gérer son budget",
            Domain.BUDGET,
            steps=(
                StepSpec(
                    StepKind.WORKSHOP, "Atelier budget « Mon premier logement »", 50, REFERENT
                ),
            ),
        ),
    ),
    later_goals=(
        GoalSpec(
            "Entrer en formation qualifiante",
            Domain.TRAINING,
            "Entrée en formation",
            "Titre professionnel d'agent magasinier",
            6,
            (
                StepSpec(
                    StepKind.TRAINING,
                    "Titre professionnel agent magasinier",
                    60,
                    PARTNER,
                    "AFPA Vénissieux",
                ),
            ),
        ),
    ),
    upcoming=(
        StepSpec(StepKind.APPOINTMENT, "Entretien hebdomadaire", 5, REFERENT),
        StepSpec(
            StepKind.TRAINING,
            "Examen du code de la route",
            21,
            PARTNER,
            "Auto-école associative",
        ),
    ),
    overdue=StepSpec(StepKind.ADMINISTRATIVE, "Envoyer le CV à l'agence d'intérim", 7),
    added_goal=GoalSpec(
        "Trouver un logement en résidence jeunes travailleurs",
        Domain.HOUSING,
        "Demande déposée",
        "Entrée en résidence",
        4,
    ),
    summary="jeune de moins de 26 ans sans diplôme, {il} souhaite trouver un métier et passer "
    "le permis",
    news=(
        "dire que l'immersion en entrepôt s'est bien passée",
        "demander à décaler l'entretien de la semaine",
        "annoncer la date de l'examen du code",
    ),
    updates=(
        "Retour très positif du tuteur de l'immersion ; {civ} {nom} souhaite poursuivre dans "
        "la logistique.",
        "{civ} {nom} a réussi l'examen du code de la route.",
        "Entretien de suivi : l'allocation est versée, le budget du mois est tenu.",
    ),
    orientation="de la Mission locale",
    schemes={"plie": Scheme.CEJ, "ccas": Scheme.CEJ, "aci": Scheme.IAE},
    france_travail_id=0.8,
    jobs=("manutentionnaire intérimaire",),
)


# --- E. Senior après un licenciement ------------------------------------------------------

SENIOR = Profile(
    key="senior",
    sexes="FM",
    ages=(50, 63),
    households=(Hh.COUPLE, Hh.ALONE, Hh.COUPLE),
    resources=((Res.ARE,), (Res.ASS,), (Res.ARE,)),
    education=(Edu.LEVEL_3, Edu.LEVEL_4, Edu.LEVEL_5),
    languages=(
        ("français", Fr.NATIVE),
        ("français, italien", Fr.NATIVE),
        ("français, portugais", Fr.NATIVE),
    ),
    licences=((Lic.B, True), (Lic.B, True), (Lic.B, False)),
    statuses=(Adm.FRENCH, Adm.FRENCH, Adm.EU),
    events=(
        EventSpec(
            Ev.JOB_LOSS,
            (6, 18),
            "Licenciement économique après 22 ans dans la même entreprise comme {metier}.",
        ),
        EventSpec(Ev.ILLNESS, (24, 40), "Arrêt de travail de plusieurs mois après une opération."),
    ),
    domains=(
        DomainSpec(
            Domain.EMPLOYMENT,
            2,
            "Longue expérience comme {metier}. N'a pas cherché d'emploi depuis plus de vingt "
            "ans ; CV à refaire.",
            "Savoir-faire reconnu, fiabilité, permis et véhicule.",
            ("R03", "R04"),
            "« J'ai peur qu'on me trouve trop vieux. »",
        ),
        DomainSpec(
            Domain.DIGITAL,
            2,
            "Peu à l'aise avec les candidatures en ligne.",
            "Dispose d'un ordinateur à la maison.",
            ("R22",),
        ),
        DomainSpec(
            Domain.SOCIAL_LIFE,
            1,
            "Vit difficilement la perte d'emploi ; reste en lien avec d'anciens collègues.",
            "Entourage présent.",
            ("R41",),
        ),
        DomainSpec(Domain.BUDGET, 1, "Fin des droits ARE dans huit mois.", "", ("FT30",)),
        DomainSpec(
            Domain.HEALTH,
            1,
            "Ne peut plus rester debout toute la journée.",
            "",
            ("FT15",),
        ),
    ),
    expectations="Retrouver un emploi stable jusqu'à la retraite.",
    goals=(
        GoalSpec(
            "Refaire un CV et un profil en ligne",
            Domain.EMPLOYMENT,
            "CV finalisé et profil France Travail à jour",
            "CV relu et validé",
            1,
            (
                StepSpec(StepKind.WORKSHOP, "Atelier CV", 10, REFERENT),
                StepSpec(
                    StepKind.ADMINISTRATIVE, "Mettre à jour son profil sur francetravail.fr", 20
                ),
            ),
        ),
        GoalSpec(
            "Retrouver un emploi durable dans son secteur ou un secteur proche",
            Domain.EMPLOYMENT,
            "Candidatures envoyées par mois",
            "10 candidatures par mois, puis un contrat de six mois ou plus",
            9,
            (
                StepSpec(
                    StepKind.WORKSHOP,
                    "Club de recherche d'emploi (hebdomadaire)",
                    30,
                    PARTNER,
                    "PLIE — club emploi seniors",
                ),
                StepSpec(StepKind.APPOINTMENT, "Job dating du PLIE", 75, REFERENT),
                StepSpec(StepKind.EMPLOYMENT, "Candidature chez {employeur}", 120),
            ),
        ),
        GoalSpec(
            "Gagner en aisance avec les outils numériques",
            Domain.DIGITAL,
            "Démarches réalisées seul·e",
            "Candidater en ligne sans aide",
            4,
            (
                StepSpec(
                    StepKind.WORKSHOP,
                    "Parcours « Les bons clics » (4 séances)",
                    25,
                    PARTNER,
                    "Espace numérique du quartier",
                ),
            ),
        ),
        GoalSpec(
            "Préparer la fin des droits au chômage",
            Domain.BUDGET,
            steps=(
                StepSpec(
                    StepKind.APPOINTMENT,
                    "Simulation des droits après la fin de l'ARE",
                    150,
                    REFERENT,
                ),
            ),
        ),
    ),
    later_goals=(
        GoalSpec(
            "Valider un projet de reconversion",
            Domain.TRAINING,
            "Enquêtes métier réalisées",
            "Trois enquêtes métier et une immersion",
            5,
            (
                StepSpec(
                    StepKind.IMMERSION,
                    "Immersion (PMSMP) comme agent d'accueil",
                    40,
                    PARTNER,
                    "Mairie annexe",
                ),
            ),
        ),
    ),
    upcoming=(
        StepSpec(StepKind.APPOINTMENT, "Point sur les candidatures", 7, REFERENT),
        StepSpec(StepKind.EMPLOYMENT, "Entretien d'embauche chez {employeur}", 16),
    ),
    overdue=StepSpec(StepKind.OTHER, "Relancer les trois candidatures envoyées", 10),
    added_goal=GoalSpec(
        "Se renseigner sur la retraite progressive",
        Domain.RIGHTS,
        "Relevé de carrière demandé",
        "Relevé reçu et expliqué",
        3,
    ),
    summary="licencié{e} après plus de vingt ans dans la même entreprise, {il} cherche un "
    "emploi et craint son âge face aux recruteurs",
    news=(
        "annoncer un entretien d'embauche la semaine prochaine",
        "dire que le CV a été envoyé à cinq entreprises",
        "demander une attestation de suivi pour France Travail",
    ),
    updates=(
        "Deux entretiens d'embauche obtenus ce mois-ci grâce au club emploi.",
        "{civ} {nom} candidate maintenant en ligne sans aide.",
        "Le CV est finalisé ; {civ} {nom} l'a adapté pour trois offres.",
    ),
    orientation="de son conseiller France Travail",
    schemes={"plie": Scheme.PLIE, "ccas": Scheme.RSA, "aci": Scheme.IAE},
    france_travail_id=0.9,
    jobs=(
        "conducteur·rice de machines en imprimerie",
        "secrétaire comptable",
        "magasinier·e",
        "vendeur·se en prêt-à-porter",
    ),
)


# --- F. Menace d'expulsion et dettes --------------------------------------------------------

EVICTION = Profile(
    key="expulsion",
    sexes="FM",
    ages=(30, 58),
    households=(Hh.ALONE_WITH_CHILDREN, Hh.COUPLE_WITH_CHILDREN, Hh.ALONE),
    resources=((Res.RSA,), (Res.SALARY, Res.PRIME_ACTIVITE), (Res.RSA, Res.FAMILY_BENEFITS)),
    education=(Edu.LEVEL_3, Edu.NONE, Edu.LEVEL_4),
    languages=(("français", Fr.NATIVE), ("français, roumain", Fr.FLUENT)),
    licences=((Lic.B, True), (Lic.B, False)),
    statuses=(Adm.FRENCH, Adm.EU),
    events=(
        EventSpec(Ev.JOB_LOSS, (18, 30), "Fin d'une mission d'intérim longue comme {metier}."),
        EventSpec(Ev.DEBT, (8, 14), "Premiers impayés de loyer après la baisse des ressources."),
        EventSpec(Ev.EVICTION, (1, 3), "Commandement de quitter les lieux délivré par l'huissier."),
    ),
    domains=(
        DomainSpec(
            Domain.HOUSING,
            3,
            "Dette locative d'environ 4 800 €. Commandement de quitter les lieux reçu ; date "
            "d'expulsion fixée.",
            "Logement adapté à la famille ; bon lien avec le gardien.",
            ("FT26", "FT27"),
            "« Je veux rester dans ce logement, les enfants sont à l'école à côté. »",
        ),
        DomainSpec(
            Domain.BUDGET,
            3,
            "Plusieurs crédits à la consommation en cours ; aucun dossier de surendettement "
            "déposé.",
            "A rassemblé tous ses relevés de compte.",
            ("FT32", "FT31"),
        ),
        DomainSpec(
            Domain.RIGHTS,
            2,
            "Courriers restés sans réponse plusieurs mois ; démarches en retard.",
            "Accepte d'ouvrir les courriers ensemble.",
            ("FT35",),
        ),
        DomainSpec(
            Domain.EMPLOYMENT,
            2,
            "Sans emploi depuis la fin de la mission d'intérim.",
            "Expérience comme {metier}.",
            ("R02",),
        ),
        DomainSpec(Domain.FAMILY, 1, "Enfants scolarisés dans le quartier.", "", ("FT12",)),
    ),
    expectations="Garder le logement et reprendre le paiement du loyer.",
    goals=(
        GoalSpec(
            "Éviter l'expulsion et se maintenir dans le logement",
            Domain.HOUSING,
            "Plan d'apurement signé avec le bailleur",
            "Loyer courant payé et plan d'apurement respecté",
            3,
            (
                StepSpec(
                    StepKind.ADMINISTRATIVE,
                    "Demande d'aide au Fonds de solidarité pour le logement (FSL)",
                    5,
                    REFERENT,
                ),
                StepSpec(
                    StepKind.REFERRAL,
                    "Saisine de la commission de prévention des expulsions",
                    15,
                    PARTNER,
                    "CCAPEX du Rhône",
                ),
                StepSpec(
                    StepKind.APPOINTMENT,
                    "Rencontre avec le bailleur pour un plan d'apurement",
                    25,
                    PARTNER,
                    "Bailleur social",
                ),
            ),
        ),
        GoalSpec(
            "Déposer un dossier de surendettement",
            Domain.BUDGET,
            "Dossier déposé à la Banque de France",
            "Dossier déclaré recevable",
            2,
            (
                StepSpec(
                    StepKind.ADMINISTRATIVE,
                    "Constituer le dossier de surendettement",
                    20,
                    PARTNER,
                    "CCAS — conseillère ESF",
                ),
            ),
        ),
        GoalSpec(
            "Reprendre une activité professionnelle",
            Domain.EMPLOYMENT,
            months=10,
            steps=(
                StepSpec(
                    StepKind.REFERRAL,
                    "Orientation vers le PLIE",
                    90,
                    PARTNER,
                    "PLIE Lyon Métropole",
                ),
            ),
        ),
    ),
    later_goals=(
        GoalSpec(
            "Mettre en place un suivi budgétaire mensuel",
            Domain.BUDGET,
            "Budget mensuel établi et suivi",
            "Trois mois sans nouvel impayé",
            4,
            (StepSpec(StepKind.APPOINTMENT, "Point budget mensuel", 30, REFERENT),),
        ),
    ),
    upcoming=(
        StepSpec(StepKind.APPOINTMENT, "Point budget mensuel", 10, REFERENT),
        StepSpec(
            StepKind.ADMINISTRATIVE,
            "Audience au tribunal judiciaire (délais de paiement)",
            25,
            PARTNER,
            "Avocat·e au titre de l'aide juridictionnelle",
        ),
    ),
    overdue=StepSpec(
        StepKind.ADMINISTRATIVE, "Envoyer les trois derniers bulletins de salaire au FSL", 8
    ),
    added_goal=GoalSpec(
        "Demander un logement social plus petit",
        Domain.HOUSING,
        "Demande de mutation déposée",
        "Proposition de logement",
        12,
    ),
    summary="en difficulté pour payer son loyer, {il} a reçu un commandement de quitter les lieux",
    news=(
        "transmettre le courrier du bailleur reçu ce matin",
        "dire que le premier versement du plan d'apurement est fait",
        "demander la date de la commission de surendettement",
    ),
    updates=(
        "Le FSL a accordé une aide ; le bailleur suspend la procédure.",
        "Le dossier de surendettement est déclaré recevable.",
        "Budget du mois revu ensemble : loyer et échéance du plan payés.",
    ),
    orientation="du service social du bailleur",
    schemes={"ccas": Scheme.RSA, "plie": Scheme.PLIE, "aci": Scheme.IAE},
    jobs=("agent·e de propreté", "préparateur·rice de commandes", "aide-cuisinier·e"),
    eviction_in_days=21,
)


# --- G. Séparation après des violences ---------------------------------------------------

VIOLENCE = Profile(
    key="violences",
    sexes="F",
    ages=(24, 48),
    households=(Hh.ALONE_WITH_CHILDREN,),
    resources=((Res.FAMILY_BENEFITS,), (Res.RSA, Res.FAMILY_BENEFITS)),
    education=(Edu.LEVEL_4, Edu.LEVEL_3, Edu.LEVEL_5),
    languages=(
        ("français", Fr.NATIVE),
        ("français, arabe", Fr.FLUENT),
        ("turc, français", Fr.INTERMEDIATE),
    ),
    licences=((Lic.B, False), (Lic.NONE, False)),
    statuses=(Adm.FRENCH, Adm.RESIDENCE_PERMIT),
    events=(
        EventSpec(
            Ev.VIOLENCE,
            (1, 4),
            "Violences conjugales déclarées ; départ du domicile avec les enfants.",
        ),
        EventSpec(Ev.SEPARATION, (1, 4), "Séparation d'avec le conjoint."),
        EventSpec(Ev.MOVE, (0, 1), "Hébergement d'urgence en résidence sociale avec les enfants."),
    ),
    domains=(
        DomainSpec(
            Domain.HOUSING,
            3,
            "Hébergée en urgence avec ses enfants dans une résidence sociale (solution de trois "
            "mois).",
            "",
            ("FT24",),
            "« Je veux un endroit à nous, où les enfants sont tranquilles. »",
        ),
        DomainSpec(
            Domain.BUDGET,
            3,
            "Aucune ressource personnelle depuis le départ ; comptes bancaires communs.",
            "",
            ("FT29",),
        ),
        DomainSpec(
            Domain.RIGHTS,
            2,
            "Papiers d'identité restés au domicile ; droits CAF à ouvrir à son nom.",
            "A pu récupérer le livret de famille.",
            ("FT36", "FT38"),
        ),
        DomainSpec(
            Domain.FAMILY,
            2,
            "Enfants scolarisés ; changement d'école à organiser.",
            "Très attentive à la scolarité des enfants.",
            ("FT12",),
        ),
        DomainSpec(
            Domain.SOCIAL_LIFE,
            2,
            "Éloignée de sa famille et de ses amies.",
            "Une sœur à Lyon, qu'elle voit régulièrement.",
            ("R42",),
        ),
        DomainSpec(
            Domain.HEALTH,
            1,
            "Exprime une grande fatigue ; souhaite un soutien psychologique.",
            "",
            ("R50",),
        ),
    ),
    expectations="Mettre les enfants à l'abri, avoir un logement et des ressources à son nom.",
    goals=(
        GoalSpec(
            "Être accompagnée dans ses démarches juridiques",
            Domain.FAMILY,
            "Rendez-vous avec l'association spécialisée",
            "Accompagnement juridique engagé",
            1,
            (
                StepSpec(
                    StepKind.REFERRAL,
                    "Orientation vers le CIDFF (accompagnement juridique)",
                    3,
                    PARTNER,
                    "CIDFF du Rhône",
                ),
                StepSpec(StepKind.ADMINISTRATIVE, "Demande d'aide juridictionnelle", 14),
            ),
        ),
        GoalSpec(
            "Ouvrir ses droits à son nom",
            Domain.RIGHTS,
            "Droits CAF ouverts",
            "RSA et prestations familiales versés à son nom",
            2,
            (
                StepSpec(
                    StepKind.ADMINISTRATIVE,
                    "Déclaration de changement de situation et demande de RSA à la CAF",
                    5,
                    REFERENT,
                ),
                StepSpec(StepKind.ADMINISTRATIVE, "Ouvrir un compte bancaire personnel", 10),
                StepSpec(StepKind.ADMINISTRATIVE, "Refaire la carte d'identité", 20),
            ),
        ),
        GoalSpec(
            "Accéder à un logement durable",
            Domain.HOUSING,
            "Demande de logement social et dossier SIAO",
            "Proposition de logement",
            9,
            (
                StepSpec(
                    StepKind.ADMINISTRATIVE,
                    "Demande de logement social (public prioritaire)",
                    15,
                    REFERENT,
                ),
                StepSpec(
                    StepKind.REFERRAL,
                    "Dossier SIAO logement",
                    20,
                    PARTNER,
                    "SIAO du Rhône",
                ),
            ),
        ),
        GoalSpec(
            "Retrouver du soutien",
            Domain.SOCIAL_LIFE,
            steps=(
                StepSpec(
                    StepKind.REFERRAL,
                    "Groupe de parole de l'association",
                    40,
                    PARTNER,
                    "Association Femmes Solidaires",
                ),
            ),
        ),
    ),
    later_goals=(
        GoalSpec(
            "Préparer un retour à l'emploi",
            Domain.EMPLOYMENT,
            "Projet professionnel écrit",
            "Projet validé et première candidature",
            5,
            (StepSpec(StepKind.WORKSHOP, "Atelier projet professionnel", 30, REFERENT),),
        ),
    ),
    upcoming=(
        StepSpec(StepKind.APPOINTMENT, "Entretien de suivi", 4, REFERENT),
        StepSpec(
            StepKind.APPOINTMENT,
            "Commission d'attribution du bailleur",
            30,
            PARTNER,
            "Bailleur social",
        ),
    ),
    overdue=StepSpec(StepKind.ADMINISTRATIVE, "Déposer le certificat de scolarité à la CAF", 6),
    added_goal=GoalSpec(
        "Inscrire les enfants au centre de loisirs",
        Domain.FAMILY,
        "Inscription faite",
        "Accueil les mercredis",
        2,
    ),
    summary="partie du domicile avec ses enfants après des violences, elle est hébergée en "
    "urgence et sans ressource à son nom",
    news=(
        "dire que le rendez-vous au CIDFF a eu lieu",
        "annoncer le versement du RSA",
        "demander un justificatif d'hébergement pour l'école",
    ),
    updates=(
        "Les droits CAF sont ouverts à son nom ; premier versement reçu.",
        "Le dossier SIAO est validé ; une proposition de logement est attendue.",
        "Les enfants ont fait leur rentrée dans la nouvelle école.",
    ),
    orientation="de l'intervenante sociale du commissariat",
    schemes={"ccas": Scheme.OTHER, "plie": Scheme.PLIE, "aci": Scheme.IAE},
    urgency={"violence": True, "no_resources": True},
    jobs=("aide-soignante", "secrétaire médicale", "vendeuse"),
)


# --- H. Sans domicile ----------------------------------------------------------------------

HOMELESS = Profile(
    key="sans_abri",
    sexes="MMF",
    ages=(28, 60),
    households=(Hh.ALONE,),
    resources=((Res.NONE,),),
    education=(Edu.NONE, Edu.LEVEL_3),
    languages=(("français", Fr.NATIVE), ("français, polonais", Fr.FLUENT)),
    licences=((Lic.SUSPENDED, False), (Lic.NONE, False)),
    statuses=(Adm.FRENCH, Adm.EU),
    events=(
        EventSpec(Ev.SEPARATION, (24, 60), "Séparation."),
        EventSpec(Ev.JOB_LOSS, (18, 40), "Perte d'emploi comme {metier}."),
        EventSpec(Ev.EVICTION, (6, 14), "Perte du logement ; hébergé{e} ensuite chez des amis."),
    ),
    domains=(
        DomainSpec(
            Domain.HOUSING,
            3,
            "Sans hébergement ; dort chez des connaissances ou dehors selon les soirs.",
            "",
            ("FT24",),
            "« Je veux juste une chambre à moi pour me poser. »",
        ),
        DomainSpec(
            Domain.BUDGET,
            3,
            "Aucune ressource ; aide alimentaire par une association.",
            "",
            ("FT29", "FT33"),
        ),
        DomainSpec(
            Domain.RIGHTS,
            3,
            "Carte d'identité perdue ; pas de domiciliation.",
            "Connaît les démarches à faire.",
            ("FT38", "FT35"),
        ),
        DomainSpec(
            Domain.HEALTH,
            2,
            "Couverture maladie à renouveler (complémentaire santé solidaire).",
            "",
            ("FT16",),
        ),
        DomainSpec(
            Domain.EMPLOYMENT,
            2,
            "Sans emploi depuis la perte du logement.",
            "Expérience comme {metier}.",
            ("R02",),
        ),
    ),
    expectations="Avoir un toit, des papiers et des ressources, puis retravailler.",
    goals=(
        GoalSpec(
            "Obtenir une domiciliation",
            Domain.RIGHTS,
            "Attestation d'élection de domicile",
            "Domiciliation au CCAS",
            1,
            (StepSpec(StepKind.ADMINISTRATIVE, "Demande de domiciliation au CCAS", 1, REFERENT),),
        ),
        GoalSpec(
            "Trouver un hébergement stable",
            Domain.HOUSING,
            "Orientation SIAO",
            "Place en centre d'hébergement ou en pension de famille",
            3,
            (
                StepSpec(StepKind.REFERRAL, "Appel au 115 et signalement au SIAO", 0, REFERENT),
                StepSpec(
                    StepKind.REFERRAL,
                    "Dossier SIAO insertion",
                    10,
                    PARTNER,
                    "SIAO du Rhône",
                ),
            ),
        ),
        GoalSpec(
            "Refaire ses papiers et ouvrir ses droits",
            Domain.RIGHTS,
            "Carte d'identité, RSA et complémentaire santé",
            "Droits ouverts",
            3,
            (
                StepSpec(
                    StepKind.ADMINISTRATIVE,
                    "Demande de carte d'identité (déclaration de perte)",
                    14,
                ),
                StepSpec(StepKind.ADMINISTRATIVE, "Demande de RSA", 20, REFERENT),
                StepSpec(
                    StepKind.ADMINISTRATIVE,
                    "Demande de complémentaire santé solidaire",
                    20,
                    REFERENT,
                ),
            ),
        ),
        GoalSpec(
            "Retrouver une activité",
            Domain.EMPLOYMENT,
            steps=(
                StepSpec(
                    StepKind.REFERRAL,
                    "Présentation au dispositif « Premières heures »",
                    60,
                    PARTNER,
                    "Association intermédiaire",
                ),
            ),
        ),
    ),
    later_goals=(
        GoalSpec(
            "Reprendre un suivi de santé",
            Domain.HEALTH,
            "Médecin traitant déclaré",
            "Bilan de santé réalisé",
            3,
            (
                StepSpec(
                    StepKind.REFERRAL,
                    "Consultation à la permanence d'accès aux soins",
                    20,
                    PARTNER,
                    "PASS de l'hôpital Édouard-Herriot",
                ),
            ),
        ),
    ),
    upcoming=(
        StepSpec(StepKind.APPOINTMENT, "Point sur l'hébergement", 3, REFERENT),
        StepSpec(StepKind.ADMINISTRATIVE, "Retrait de la carte d'identité en mairie", 15),
    ),
    overdue=StepSpec(StepKind.ADMINISTRATIVE, "Récupérer l'attestation de domiciliation", 5),
    added_goal=GoalSpec(
        "Ouvrir un compte bancaire",
        Domain.BUDGET,
        "Compte ouvert",
        "Versement du RSA sur le compte",
        2,
    ),
    summary="sans hébergement depuis plusieurs mois, {il} n'a plus de papiers ni de ressources",
    news=(
        "dire qu'une place est proposée en centre d'hébergement",
        "signaler le changement de numéro de téléphone",
        "demander le courrier arrivé à la domiciliation",
    ),
    updates=(
        "{civ} {nom} est hébergé{e} au centre depuis deux semaines ; {il} dit dormir mieux.",
        "La domiciliation est faite ; le RSA est demandé.",
        "La carte d'identité est prête en mairie.",
    ),
    orientation="de l'équipe mobile de la maraude",
    schemes={"ccas": Scheme.RSA, "plie": Scheme.PLIE, "aci": Scheme.IAE},
    urgency={"no_shelter_tonight": True, "no_resources": True},
    france_travail_id=0.1,
    jobs=("plaquiste", "serveur·se", "cariste"),
)


# --- I. Salarié·e en chantier d'insertion (IAE) ------------------------------------------

IAE_WORKER = Profile(
    key="salarie_aci",
    sexes="FMM",
    ages=(22, 58),
    households=(Hh.ALONE, Hh.COUPLE_WITH_CHILDREN, Hh.HOSTED, Hh.ALONE_WITH_CHILDREN),
    resources=((Res.SALARY, Res.PRIME_ACTIVITE), (Res.SALARY, Res.RSA)),
    education=(Edu.NONE, Edu.LEVEL_3, Edu.LEVEL_2),
    languages=(
        ("français", Fr.NATIVE),
        ("français, bambara", Fr.FLUENT),
        ("arabe, français", Fr.INTERMEDIATE),
        ("roumain, français", Fr.INTERMEDIATE),
    ),
    licences=((Lic.NONE, False), (Lic.IN_PROGRESS, False), (Lic.B, False)),
    statuses=(Adm.FRENCH, Adm.RESIDENCE_PERMIT, Adm.EU),
    events=(
        EventSpec(Ev.JOB_LOSS, (12, 40), "Fin d'un contrat saisonnier comme {metier}."),
        EventSpec(Ev.SEPARATION, (18, 48), "Séparation."),
        EventSpec(
            Ev.EMPLOYMENT,
            (0, 0),
            "Embauche en contrat à durée déterminée d'insertion (CDDI) aux Jardins du Rhône.",
            is_rupture=False,
        ),
    ),
    domains=(
        DomainSpec(
            Domain.EMPLOYMENT,
            2,
            "Salarié{e} en CDDI de 26 heures par semaine en maraîchage biologique. Projet "
            "professionnel à préciser (espaces verts, logistique, propreté).",
            "Régularité au travail, bon esprit d'équipe selon l'encadrant technique.",
            ("R01", "R04"),
            "« J'aime travailler dehors. »",
        ),
        DomainSpec(
            Domain.MOBILITY,
            2,
            "Pas de permis ; les entreprises hors des lignes de bus sont inaccessibles.",
            "",
            ("FT6",),
        ),
        DomainSpec(
            Domain.TRAINING,
            2,
            "Besoin d'une remise à niveau en calcul pour les métiers de la logistique.",
            "Apprend vite les gestes techniques.",
            ("R12",),
        ),
        DomainSpec(Domain.BUDGET, 1, "Budget tenu mais sans marge.", "", ("FT34",)),
        DomainSpec(
            Domain.DIGITAL,
            1,
            "Smartphone seulement ; pas d'adresse e-mail utilisée.",
            "",
            ("R22",),
        ),
    ),
    expectations="Trouver un emploi durable à la fin du contrat d'insertion.",
    goals=(
        GoalSpec(
            "Définir un projet professionnel pour l'après-chantier",
            Domain.EMPLOYMENT,
            "Immersions réalisées",
            "Deux immersions dans les métiers visés",
            4,
            (
                StepSpec(
                    StepKind.IMMERSION,
                    "Immersion (PMSMP) en entreprise d'espaces verts",
                    60,
                    PARTNER,
                    "Espaces verts de l'Est lyonnais",
                ),
                StepSpec(
                    StepKind.IMMERSION,
                    "Immersion (PMSMP) en entrepôt logistique",
                    110,
                    PARTNER,
                    "Plateforme logistique de Corbas",
                ),
            ),
        ),
        GoalSpec(
            "Obtenir le permis B",
            Domain.MOBILITY,
            "Code puis conduite",
            "Permis obtenu",
            10,
            (
                StepSpec(
                    StepKind.TRAINING,
                    "Code de la route en auto-école associative",
                    30,
                    PARTNER,
                    "Auto-école associative",
                ),
                StepSpec(
                    StepKind.TRAINING,
                    "Leçons de conduite (20 heures)",
                    150,
                    PARTNER,
                    "Auto-école associative",
                ),
            ),
        ),
        GoalSpec(
            "Obtenir une certification professionnelle",
            Domain.TRAINING,
            "Formation certifiante suivie",
            "CACES R489 obtenu",
            8,
            (
                StepSpec(
                    StepKind.TRAINING,
                    "Formation CACES R489 (chariots)",
                    200,
                    PARTNER,
                    "Organisme de formation logistique",
                ),
            ),
        ),
        GoalSpec(
            "Tenir son poste sur le chantier",
            Domain.EMPLOYMENT,
            "Présence et ponctualité",
            months=2,
            steps=(
                StepSpec(
                    StepKind.APPOINTMENT,
                    "Point d'étape avec l'encadrant technique",
                    30,
                    REFERENT,
                ),
            ),
        ),
    ),
    later_goals=(
        GoalSpec(
            "Trouver un emploi à la sortie du chantier",
            Domain.EMPLOYMENT,
            "Candidatures et entretiens",
            "Contrat de six mois ou plus",
            8,
            (
                StepSpec(
                    StepKind.WORKSHOP,
                    "Atelier techniques de recherche d'emploi",
                    25,
                    REFERENT,
                ),
                StepSpec(
                    StepKind.EMPLOYMENT,
                    "Candidatures auprès des entreprises partenaires",
                    90,
                ),
            ),
        ),
    ),
    upcoming=(
        StepSpec(StepKind.APPOINTMENT, "Point d'étape avec l'encadrant technique", 6, REFERENT),
        StepSpec(
            StepKind.IMMERSION,
            "Immersion (PMSMP) chez {employeur}",
            24,
            PARTNER,
            "{employeur}",
        ),
    ),
    overdue=StepSpec(StepKind.ADMINISTRATIVE, "Rapporter la convention d'immersion signée", 11),
    added_goal=GoalSpec(
        "Passer le certificat Sauveteur secouriste du travail",
        Domain.TRAINING,
        "Formation SST suivie",
        "Certificat SST obtenu",
        3,
    ),
    summary="en contrat d'insertion au chantier de maraîchage, {il} prépare la suite de son "
    "parcours",
    news=(
        "prévenir d'une absence au chantier pour un rendez-vous à la préfecture",
        "dire que l'immersion est confirmée par l'entreprise",
        "demander une attestation employeur",
    ),
    updates=(
        "Bilan de l'immersion : l'entreprise propose une candidature sur le prochain poste.",
        "L'encadrant technique souligne la progression sur les travaux de taille.",
        "{civ} {nom} a obtenu le code de la route.",
    ),
    orientation="de France Travail (prescription IAE)",
    schemes={"aci": Scheme.IAE, "plie": Scheme.PLIE, "ccas": Scheme.RSA},
    france_travail_id=0.9,
    jobs=("ouvrier·e agricole", "agent·e de propreté", "manutentionnaire"),
)


# --- J. Sortie de détention ----------------------------------------------------------------

JUSTICE = Profile(
    key="sortie_detention",
    sexes="MMMF",
    ages=(21, 45),
    households=(Hh.HOSTED, Hh.ALONE),
    resources=((Res.RSA,), (Res.NONE,)),
    education=(Edu.NONE, Edu.LEVEL_3),
    languages=(("français", Fr.NATIVE), ("français, arabe", Fr.NATIVE)),
    licences=((Lic.SUSPENDED, False), (Lic.NONE, False)),
    statuses=(Adm.FRENCH,),
    events=(
        EventSpec(
            Ev.JUSTICE,
            (3, 12),
            "Sortie de détention ; suivi par le service pénitentiaire d'insertion et de probation.",
        ),
        EventSpec(Ev.MOVE, (3, 12), "Hébergé{e} chez un parent depuis la sortie."),
    ),
    domains=(
        DomainSpec(
            Domain.JUSTICE,
            2,
            "Suivi par le SPIP avec des rendez-vous mensuels ; obligation de travail ou de "
            "formation.",
            "Honore ses rendez-vous au SPIP.",
            ("R31", "R30"),
        ),
        DomainSpec(
            Domain.HOUSING,
            2,
            "Hébergé{e} chez un parent ; solution temporaire.",
            "",
            ("R60",),
        ),
        DomainSpec(
            Domain.EMPLOYMENT,
            2,
            "Expériences passées dans le bâtiment comme {metier} ; souhaite reprendre dans ce "
            "secteur.",
            "Formation au second œuvre suivie pendant la détention.",
            ("R02", "R03"),
            "« Je veux travailler tout de suite, avoir une fiche de paie. »",
        ),
        DomainSpec(
            Domain.RIGHTS,
            2,
            "Droits à rouvrir (RSA, complémentaire santé).",
            "",
            ("FT35", "FT36"),
        ),
        DomainSpec(Domain.SOCIAL_LIFE, 1, "Soutien d'une partie de la famille.", "", ("R41",)),
    ),
    expectations="Travailler rapidement et avoir son propre logement.",
    goals=(
        GoalSpec(
            "Reprendre une activité salariée",
            Domain.EMPLOYMENT,
            "Contrat de travail",
            "Entrée en chantier d'insertion ou en emploi",
            4,
            (
                StepSpec(
                    StepKind.REFERRAL,
                    "Candidature en chantier d'insertion second œuvre",
                    15,
                    PARTNER,
                    "ACI Bâtir ensemble",
                ),
                StepSpec(StepKind.APPOINTMENT, "Réunion d'information collective", 25, REFERENT),
            ),
        ),
        GoalSpec(
            "Rouvrir ses droits",
            Domain.RIGHTS,
            "RSA et complémentaire santé ouverts",
            "Droits ouverts",
            2,
            (
                StepSpec(StepKind.ADMINISTRATIVE, "Demande de RSA", 5, REFERENT),
                StepSpec(StepKind.ADMINISTRATIVE, "Demande de complémentaire santé solidaire", 10),
            ),
        ),
        GoalSpec(
            "Trouver un logement",
            Domain.HOUSING,
            steps=(
                StepSpec(
                    StepKind.REFERRAL,
                    "Demande en foyer de jeunes travailleurs ou résidence sociale",
                    45,
                    REFERENT,
                ),
            ),
        ),
        GoalSpec(
            "Respecter le calendrier du suivi SPIP",
            Domain.JUSTICE,
            "Rendez-vous SPIP honorés",
            "Tous les rendez-vous mensuels",
            12,
            (
                StepSpec(
                    StepKind.APPOINTMENT,
                    "Rendez-vous avec la conseillère d'insertion et de probation",
                    30,
                    PARTNER,
                    "SPIP du Rhône",
                ),
            ),
        ),
    ),
    later_goals=(
        GoalSpec(
            "Récupérer le permis de conduire",
            Domain.MOBILITY,
            "Stage et examen",
            "Permis rendu valide",
            6,
            (
                StepSpec(
                    StepKind.TRAINING,
                    "Stage de sensibilisation à la sécurité routière",
                    40,
                    PARTNER,
                    "Centre agréé",
                ),
            ),
        ),
    ),
    upcoming=(
        StepSpec(StepKind.APPOINTMENT, "Entretien de suivi", 5, REFERENT),
        StepSpec(
            StepKind.APPOINTMENT,
            "Rendez-vous au SPIP",
            18,
            PARTNER,
            "SPIP du Rhône",
        ),
    ),
    overdue=StepSpec(StepKind.ADMINISTRATIVE, "Transmettre l'attestation de suivi au SPIP", 9),
    added_goal=GoalSpec(
        "Ouvrir un compte personnel de formation",
        Domain.TRAINING,
        "Compte CPF activé",
        "Droits consultés",
        1,
    ),
    summary="sorti{e} de détention depuis peu, {il} veut travailler rapidement et rouvrir "
    "ses droits",
    news=(
        "transmettre la convocation du SPIP",
        "dire que l'entretien au chantier s'est bien passé",
        "demander une attestation de suivi",
    ),
    updates=(
        "{civ} {nom} a commencé au chantier d'insertion ; premier bulletin de salaire reçu.",
        "Le RSA et la complémentaire santé sont ouverts.",
        "Rendez-vous SPIP honorés ; la conseillère de probation confirme le suivi.",
    ),
    orientation="du service pénitentiaire d'insertion et de probation (SPIP)",
    schemes={"plie": Scheme.PLIE, "aci": Scheme.IAE, "ccas": Scheme.RSA},
    france_travail_id=0.5,
    jobs=("manœuvre", "peintre en bâtiment", "plaquiste"),
)


# --- K. Santé et RQTH ----------------------------------------------------------------------

HEALTH_RQTH = Profile(
    key="sante_rqth",
    sexes="FM",
    ages=(35, 60),
    households=(Hh.COUPLE_WITH_CHILDREN, Hh.ALONE, Hh.COUPLE),
    resources=((Res.AAH,), (Res.ARE,), (Res.RSA,), (Res.PENSION,)),
    education=(Edu.LEVEL_3, Edu.LEVEL_4, Edu.LEVEL_5),
    languages=(("français", Fr.NATIVE), ("français, espagnol", Fr.NATIVE)),
    licences=((Lic.B, True), (Lic.B, False)),
    statuses=(Adm.FRENCH, Adm.FRENCH, Adm.EU),
    events=(
        EventSpec(
            Ev.ILLNESS,
            (24, 48),
            "Accident du travail ; arrêt de quatorze mois.",
        ),
        EventSpec(Ev.JOB_LOSS, (12, 30), "Licenciement pour inaptitude au poste de {metier}."),
        EventSpec(
            Ev.DISABILITY,
            (6, 18),
            "Reconnaissance de la qualité de travailleur handicapé (RQTH) par la MDPH.",
            is_rupture=False,
        ),
    ),
    domains=(
        DomainSpec(
            Domain.EMPLOYMENT,
            3,
            "Ne peut plus exercer son métier de {metier}. Reconversion à construire.",
            "Vingt ans d'expérience, sens du service.",
            ("R01", "R02"),
            "« Je veux un métier où je ne porte pas de charges. »",
        ),
        DomainSpec(
            Domain.HEALTH,
            2,
            "Restrictions médicales : pas de port de charges, pas de station debout prolongée. "
            "Suivi médical régulier.",
            "Connaît ses limites et en parle simplement.",
            ("FT15",),
        ),
        DomainSpec(Domain.TRAINING, 2, "Pas de formation depuis le CAP.", "", ("R10",)),
        DomainSpec(
            Domain.SOCIAL_LIFE,
            1,
            "A perdu une partie de ses liens depuis l'arrêt de travail.",
            "Famille présente.",
            ("R41",),
        ),
        DomainSpec(
            Domain.BUDGET, 1, "Baisse des ressources depuis le licenciement.", "", ("FT30",)
        ),
    ),
    expectations="Se reconvertir dans un métier compatible avec sa santé.",
    goals=(
        GoalSpec(
            "Construire un projet de reconversion compatible avec les restrictions médicales",
            Domain.EMPLOYMENT,
            "Bilan de compétences réalisé",
            "Projet validé avec Cap emploi",
            6,
            (
                StepSpec(
                    StepKind.REFERRAL,
                    "Orientation vers Cap emploi",
                    10,
                    PARTNER,
                    "Cap emploi Rhône",
                ),
                StepSpec(
                    StepKind.OTHER,
                    "Bilan de compétences financé par le CPF",
                    60,
                    PARTNER,
                    "Centre de bilan de compétences",
                ),
            ),
        ),
        GoalSpec(
            "Se former au nouveau métier",
            Domain.TRAINING,
            "Formation financée",
            "Entrée en formation qualifiante",
            12,
            (
                StepSpec(
                    StepKind.TRAINING,
                    "Titre professionnel secrétaire assistant·e",
                    210,
                    PARTNER,
                    "Centre de formation AFPA",
                ),
            ),
        ),
        GoalSpec(
            "Adapter l'environnement de travail",
            Domain.HEALTH,
            steps=(
                StepSpec(
                    StepKind.REFERRAL,
                    "Étude des aides à l'aménagement de poste",
                    90,
                    PARTNER,
                    "Agefiph",
                ),
            ),
        ),
    ),
    later_goals=(
        GoalSpec(
            "Découvrir le métier visé en immersion",
            Domain.EMPLOYMENT,
            "Immersion (PMSMP) réalisée",
            "Une immersion de deux semaines",
            3,
            (
                StepSpec(
                    StepKind.IMMERSION,
                    "Immersion (PMSMP) en secrétariat",
                    30,
                    PARTNER,
                    "Cabinet d'expertise comptable",
                ),
            ),
        ),
    ),
    upcoming=(
        StepSpec(StepKind.APPOINTMENT, "Point d'étape", 11, REFERENT),
        StepSpec(
            StepKind.APPOINTMENT,
            "Rendez-vous avec la conseillère Cap emploi",
            20,
            PARTNER,
            "Cap emploi Rhône",
        ),
    ),
    overdue=StepSpec(
        StepKind.ADMINISTRATIVE, "Envoyer le dossier de financement de la formation", 14
    ),
    added_goal=GoalSpec(
        "Demander le renouvellement de la RQTH",
        Domain.RIGHTS,
        "Dossier MDPH déposé",
        "Renouvellement obtenu avant l'échéance",
        5,
    ),
    summary="reconnu{e} travailleur handicapé après un accident du travail, {il} ne peut plus "
    "exercer son métier et veut se reconvertir",
    news=(
        "dire que le bilan de compétences commence lundi",
        "annoncer l'accord de financement de la formation",
        "décaler le rendez-vous pour une consultation médicale",
    ),
    updates=(
        "Le bilan de compétences confirme deux pistes : secrétariat et accueil.",
        "Cap emploi a validé le projet ; le dossier de formation est déposé.",
        "{civ} {nom} a rencontré une secrétaire en poste pour une enquête métier.",
    ),
    orientation="du service social de la CARSAT",
    schemes={"plie": Scheme.PLIE, "ccas": Scheme.RSA, "aci": Scheme.IAE},
    rqth=True,
    france_travail_id=0.8,
    jobs=("maçon·ne", "aide-soignant·e", "cuisinier·e"),
)


PROFILES: dict[str, Profile] = {
    p.key: p
    for p in (
        RSA_ISOLATION,
        SINGLE_PARENT,
        NEWCOMER,
        YOUNG,
        SENIOR,
        EVICTION,
        VIOLENCE,
        HOMELESS,
        IAE_WORKER,
        JUSTICE,
        HEALTH_RQTH,
    )
}


class Situation:
    """Profile keys, as the cast (cast.py) names them."""

    RSA = RSA_ISOLATION.key
    PARENT = SINGLE_PARENT.key
    NEWCOMER = NEWCOMER.key
    YOUTH = YOUNG.key
    SENIOR = SENIOR.key
    EVICTION = EVICTION.key
    VIOLENCE = VIOLENCE.key
    HOMELESS = HOMELESS.key
    IAE = IAE_WORKER.key
    JUSTICE = JUSTICE.key
    HEALTH = HEALTH_RQTH.key
