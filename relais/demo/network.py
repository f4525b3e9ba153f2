"""Demo data of the coordination module: partner services (data·inclusion v1) of the demo
organisations and of a few partners "hors plateforme", referrals in every status, two
coordination teams and a few partnerships. Written through the services; idempotent
(what exists is left as it is) and deterministic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from relais.demo.accompaniment.builder import identities
from relais.demo.accompaniment.cast import REFERENTS
from relais.network.coordination import partnerships, teams
from relais.network.coordination.models import (
    CoordinationTeam,
    Partnership,
    PartnershipKind,
    SharedCategory,
    TeamMember,
)
from relais.network.directory import services as services_catalogue
from relais.network.directory.models import Service
from relais.network.referrals import answers as referral_answers
from relais.network.referrals import services as referrals
from relais.network.referrals.models import (
    Referral,
    ReferralStatus,
    ReferralTransition,
    RefusalReason,
)
from relais.network.referrals.policies import sharing_scope
from relais.network.referrals.redundancy import RedundancyToConfirm
from relais.people.models import ConsentMethod, ConsentPurpose, Person
from relais.people.services import consent_give

S = ReferralStatus
MANAGERS = {
    "ccas": "responsable.ccas@relais.localhost",
    "plie": "responsable.plie@relais.localhost",
    "aci": "responsable.aci@relais.localhost",
}
# Who answers the referrals received by each demo organisation.
RECEIVERS = {
    "ccas": "responsable.ccas@relais.localhost",
    "plie": "referente.plie@relais.localhost",
    "aci": "encadrant.aci@relais.localhost",
}
WITNESS = "Léa Petit, agente d'accueil"


@dataclass(frozen=True)
class Partner:
    key: str
    name: str
    kind: str
    commune_code: str
    address: str
    description: str
    networks: tuple[str, ...]
    email: str
    website: str = ""


PARTNERS = (
    Partner(
        "auto_ecole",
        "Auto-école sociale Gerland Mobilité (démo)",
        OrganisationKind.ASSOCIATION,
        "69387",
        "12 rue de Gerland",
        "Auto-école associative : code et conduite à tarif solidaire, accompagnement à la "
        "mobilité pour les personnes en insertion.",
        ("wimoov",),
        "contact@automobilite-demo.example.org",
    ),
    Partner(
        "alimentaire",
        "Les Paniers Solidaires du Rhône (démo)",
        OrganisationKind.ASSOCIATION,
        "69266",
        "5 rue des Tuileries",
        "Association d'aide alimentaire : distributions, épicerie solidaire et vestiaire.",
        ("restos-du-coeur",),
        "accueil@paniers-solidaires-demo.example.org",
    ),
    Partner(
        "cmp",
        "Centre médico-psychologique Lyon Est (démo)",
        OrganisationKind.OTHER,
        "69383",
        "40 cours Gambetta",
        "Consultations de psychiatrie et de psychologie adulte, sans avance de frais, sur le "
        "secteur de Lyon 3e, Villeurbanne et Bron.",
        ("cmp",),
        "secretariat@cmp-lyon-est-demo.example.org",
    ),
    Partner(
        "mission_locale",
        "Mission locale Lyon Sud-Est (démo)",
        OrganisationKind.MISSION_LOCALE,
        "69388",
        "18 avenue des Frères Lumière",
        "Accompagnement des jeunes de 16 à 25 ans : emploi, formation, santé, logement, "
        "Contrat d'engagement jeune.",
        ("mission-locale",),
        "accueil@ml-lyon-sud-est-demo.example.org",
    ),
)


@dataclass(frozen=True)
class ServiceSpec:
    org: str
    name: str
    type: str
    thematiques: tuple[str, ...]
    publics: tuple[str, ...]
    commune: str
    description: str
    accueil: tuple[str, ...] = ("en-presentiel",)
    frais: str = "gratuit"
    mobilisation: tuple[str, ...] = ("telephoner", "envoyer-un-courriel")
    par: tuple[str, ...] = ("professionnels",)


def _s(org, name, type_, thematiques, publics, commune, description, **extra) -> ServiceSpec:
    return ServiceSpec(
        org, name, type_, tuple(thematiques), tuple(publics), commune, description, **extra
    )


ADM = "difficultes-administratives-ou-juridiques--"
FIN = "difficultes-financieres--"
LOG = "logement-hebergement--"
EMP = "trouver-un-emploi--"
CAND = "preparer-sa-candidature--"
MOB = "mobilite--"
REM = "remobilisation--"
NUM = "numerique--"

SERVICES = (
    # --- CCAS de Villeurbanne ---------------------------------------------------------------
    _s(
        "ccas",
        "Domiciliation administrative",
        "accompagnement",
        [ADM + "accompagnement-aux-demarches-administratives"],
        ["personnes-en-situation-durgence"],
        "69266",
        "Une adresse pour recevoir son courrier et faire valoir ses droits quand on n'a pas de domicile stable.",
        par=("usagers", "professionnels"),
        mobilisation=("se-presenter",),
    ),
    _s(
        "ccas",
        "Accès aux droits et aides facultatives",
        "aide-financiere",
        [
            ADM + "accompagnement-pour-lacces-aux-droits",
            FIN + "prevenir-une-degradation-de-la-situation-financiere",
        ],
        ["tous-publics"],
        "69266",
        "Instruction des demandes d'aides facultatives du CCAS et orientation vers les droits (RSA, CSS, APL).",
    ),
    _s(
        "ccas",
        "Aide alimentaire d'urgence",
        "aide-materielle",
        ["equipement-et-alimentation--alimentation"],
        ["personnes-en-situation-durgence", "familles"],
        "69266",
        "Bons alimentaires et colis d'urgence, le temps d'ouvrir les droits ou d'orienter vers une épicerie solidaire.",
    ),
    _s(
        "ccas",
        "Accompagnement budgétaire",
        "accompagnement",
        [FIN + "ameliorer-sa-gestion-budgetaire", FIN + "situation-dendettement-surendettement"],
        ["tous-publics"],
        "69266",
        "Rendez-vous avec une conseillère en économie sociale et familiale : budget, dettes, dossier de surendettement.",
    ),
    _s(
        "ccas",
        "Prévention des expulsions locatives",
        "accompagnement",
        [LOG + "se-maintenir-dans-le-logement", LOG + "reduire-les-impayes-de-loyer"],
        ["familles", "beneficiaires-des-minimas-sociaux"],
        "69266",
        "Accompagnement des locataires en impayé : plan d'apurement, FSL, lien avec le bailleur.",
    ),
    _s(
        "ccas",
        "Accompagnement RSA — volet social",
        "accompagnement",
        [ADM + "accompagnement-pour-lacces-aux-droits", REM + "lien-social"],
        ["beneficiaires-des-minimas-sociaux"],
        "69266",
        "Référent unique social des allocataires du RSA domiciliés à Villeurbanne.",
    ),
    _s(
        "ccas",
        "Atelier numérique : démarches en ligne",
        "atelier",
        [NUM + "acceder-a-des-services-en-ligne", NUM + "maitriser-les-fondamentaux-du-numerique"],
        ["tous-publics"],
        "69266",
        "Atelier collectif hebdomadaire pour créer ses comptes en ligne (CAF, Ameli, France Travail).",
        par=("usagers", "professionnels"),
    ),
    # --- PLIE Lyon Métropole ------------------------------------------------------------------
    _s(
        "plie",
        "Accompagnement renforcé vers l'emploi",
        "accompagnement",
        [
            EMP + "repondre-a-des-offres-demploi",
            CAND + "organiser-ses-demarches-de-recherche-demploi",
        ],
        ["demandeurs-emploi", "beneficiaires-des-minimas-sociaux"],
        "69123",
        "Un référent de parcours PLIE, des rendez-vous réguliers et des étapes vers un emploi durable.",
    ),
    _s(
        "plie",
        "Atelier CV et lettre de motivation",
        "atelier",
        [CAND + "realiser-un-cv-et-ou-une-lettre-de-motivation"],
        ["demandeurs-emploi"],
        "69123",
        "Deux demi-journées pour construire un CV et une lettre adaptés au métier visé.",
    ),
    _s(
        "plie",
        "Préparation aux entretiens d'embauche",
        "atelier",
        [EMP + "convaincre-un-recruteur-en-entretien"],
        ["demandeurs-emploi"],
        "69123",
        "Simulations d'entretien filmées avec des bénévoles recruteurs.",
    ),
    _s(
        "plie",
        "Découverte des métiers en tension",
        "information",
        [
            "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
            "choisir-un-metier--connaitre-les-opportunites-demploi",
        ],
        ["demandeurs-emploi", "jeunes"],
        "69123",
        "Visites d'entreprises et immersions (PMSMP) dans la logistique, le soin et le BTP.",
    ),
    _s(
        "plie",
        "Clauses sociales : mise en relation",
        "accompagnement",
        [EMP + "repondre-a-des-offres-demploi"],
        ["demandeurs-emploi", "residents-qpv-frr"],
        "69123",
        "Accès aux heures d'insertion des marchés publics de la Métropole.",
    ),
    _s(
        "plie",
        "Appui à la formation qualifiante",
        "accompagnement",
        ["se-former--trouver-sa-formation", "se-former--monter-son-dossier-de-formation"],
        ["demandeurs-emploi"],
        "69123",
        "Choisir une formation, monter le dossier de financement et préparer l'entrée en formation.",
    ),
    _s(
        "plie",
        "Maintien dans l'emploi — suivi six mois",
        "accompagnement",
        [EMP + "maintien-dans-lemploi"],
        ["actifs"],
        "69123",
        "Suivi du salarié et de l'employeur pendant les six premiers mois du contrat.",
    ),
    # --- Les Jardins du Rhône — ACI -----------------------------------------------------------
    _s(
        "aci",
        "Chantier d'insertion maraîchage",
        "accompagnement",
        [EMP + "repondre-a-des-offres-demploi", REM + "bien-etre-confiance-en-soi"],
        ["beneficiaires-des-minimas-sociaux", "demandeurs-emploi"],
        "69259",
        "CDDI de 26 heures par semaine en maraîchage biologique, avec un accompagnement socioprofessionnel.",
        frais="gratuit",
    ),
    _s(
        "aci",
        "Chantier d'insertion espaces verts",
        "accompagnement",
        [EMP + "repondre-a-des-offres-demploi"],
        ["beneficiaires-des-minimas-sociaux", "demandeurs-emploi"],
        "69259",
        "CDDI en entretien d'espaces verts pour les communes de l'est lyonnais.",
    ),
    _s(
        "aci",
        "Vente de paniers solidaires",
        "aide-materielle",
        ["equipement-et-alimentation--alimentation"],
        ["tous-publics"],
        "69259",
        "Paniers de légumes du chantier à prix réduit pour les familles orientées.",
        frais="payant",
    ),
    _s(
        "aci",
        "Atelier savoirs de base au jardin",
        "atelier",
        [
            "lecture-ecriture-calcul--maitriser-le-francais",
            "lecture-ecriture-calcul--maitriser-le-calcul",
        ],
        ["personnes-exilees", "demandeurs-emploi"],
        "69259",
        "Français et calcul appliqués au travail du chantier, deux fois par semaine.",
    ),
    _s(
        "aci",
        "Levée des freins mobilité",
        "accompagnement",
        [MOB + "etre-accompagne-dans-son-parcours-mobilite", MOB + "financer-ma-mobilite"],
        ["demandeurs-emploi"],
        "69259",
        "Diagnostic mobilité, abonnement TCL solidaire et prêt de vélos pour les salariés en insertion.",
    ),
    _s(
        "aci",
        "Période de mise en situation en milieu professionnel",
        "accompagnement",
        ["choisir-un-metier--confirmer-son-choix-de-metier"],
        ["demandeurs-emploi"],
        "69259",
        "Immersion de une à deux semaines sur le chantier pour confirmer un projet.",
    ),
    # --- Auto-école sociale --------------------------------------------------------------------
    _s(
        "auto_ecole",
        "Permis B à tarif solidaire",
        "formation",
        [MOB + "preparer-un-permis"],
        ["demandeurs-emploi", "beneficiaires-des-minimas-sociaux"],
        "69387",
        "Code et conduite adaptés, pédagogie renforcée ; reste à charge selon les ressources.",
        frais="payant",
    ),
    _s(
        "auto_ecole",
        "Code de la route en français facile",
        "formation",
        [MOB + "preparer-un-permis", "lecture-ecriture-calcul--maitriser-le-francais"],
        ["personnes-exilees"],
        "69387",
        "Préparation au code pour les personnes qui apprennent le français.",
    ),
    _s(
        "auto_ecole",
        "Permis AM et location de scooters",
        "aide-materielle",
        [MOB + "acceder-a-un-vehicule"],
        ["jeunes", "demandeurs-emploi"],
        "69387",
        "Formation au permis AM et location solidaire de scooters pour se rendre au travail.",
        frais="payant",
    ),
    _s(
        "auto_ecole",
        "Bilan mobilité",
        "accompagnement",
        [MOB + "etre-accompagne-dans-son-parcours-mobilite"],
        ["tous-publics"],
        "69387",
        "Un entretien pour évaluer les solutions de mobilité et leur financement.",
    ),
    _s(
        "auto_ecole",
        "Atelier vélo et mobilité douce",
        "atelier",
        [MOB + "mobilite-douce-partagee-collective"],
        ["tous-publics"],
        "69387",
        "Apprendre à circuler à vélo en ville, réparer son vélo et s'équiper.",
        par=("usagers", "professionnels"),
    ),
    # --- Aide alimentaire ----------------------------------------------------------------------
    _s(
        "alimentaire",
        "Distribution alimentaire",
        "aide-materielle",
        ["equipement-et-alimentation--alimentation"],
        ["personnes-en-situation-durgence", "familles"],
        "69266",
        "Distribution hebdomadaire de denrées sur inscription, pour la durée de la campagne.",
        mobilisation=("se-presenter",),
        par=("usagers", "professionnels"),
    ),
    _s(
        "alimentaire",
        "Épicerie solidaire",
        "aide-materielle",
        ["equipement-et-alimentation--alimentation"],
        ["beneficiaires-des-minimas-sociaux", "familles"],
        "69266",
        "Produits à 10 à 30 % du prix, sur orientation d'un travailleur social, pour six mois renouvelables.",
        frais="payant",
    ),
    _s(
        "alimentaire",
        "Vestiaire solidaire",
        "aide-materielle",
        ["equipement-et-alimentation--habillement"],
        ["tous-publics"],
        "69266",
        "Vêtements et tenues d'entretien d'embauche.",
        mobilisation=("se-presenter",),
        par=("usagers", "professionnels"),
    ),
    _s(
        "alimentaire",
        "Ateliers cuisine petit budget",
        "atelier",
        [FIN + "acquerir-une-autonomie-budgetaire", REM + "lien-social"],
        ["familles"],
        "69266",
        "Cuisiner équilibré avec peu de moyens, en groupe, une fois par mois.",
    ),
    _s(
        "alimentaire",
        "Bénévolat et lien social",
        "information",
        [REM + "benevolat-action-citoyenne", REM + "lien-social"],
        ["tous-publics"],
        "69266",
        "Devenir bénévole à la distribution : reprendre un rythme et rencontrer du monde.",
        par=("usagers", "professionnels"),
    ),
    # --- CMP -----------------------------------------------------------------------------------
    _s(
        "cmp",
        "Consultation de psychiatrie adulte",
        "accompagnement",
        ["sante--sante-mentale"],
        ["tous-publics"],
        "69383",
        "Premier rendez-vous d'évaluation infirmière puis suivi par l'équipe pluridisciplinaire.",
    ),
    _s(
        "cmp",
        "Soutien psychologique",
        "accompagnement",
        ["sante--sante-mentale", REM + "bien-etre-confiance-en-soi"],
        ["tous-publics"],
        "69383",
        "Entretiens avec un psychologue, individuels ou en groupe.",
    ),
    _s(
        "cmp",
        "Consultation addictologie",
        "accompagnement",
        ["sante--addictions"],
        ["tous-publics"],
        "69383",
        "Consultations avancées du CSAPA partenaire, sur rendez-vous.",
        accueil=("en-presentiel", "a-distance"),
    ),
    _s(
        "cmp",
        "Accès aux soins et ouverture de droits santé",
        "accompagnement",
        ["sante--acces-aux-soins", ADM + "accompagnement-pour-lacces-aux-droits"],
        ["personnes-en-situation-durgence", "personnes-exilees"],
        "69383",
        "Permanence d'accès aux soins : ouverture de la CSS et orientation vers un médecin traitant.",
    ),
    _s(
        "cmp",
        "Aide au dossier MDPH",
        "accompagnement",
        ["sante--constituer-un-dossier-mdph-invalidite"],
        ["personnes-en-situation-de-handicap"],
        "69383",
        "Certificat médical et accompagnement à la demande de RQTH ou d'AAH.",
    ),
    # --- Mission locale ------------------------------------------------------------------------
    _s(
        "mission_locale",
        "Contrat d'engagement jeune",
        "accompagnement",
        [
            CAND + "organiser-ses-demarches-de-recherche-demploi",
            "choisir-un-metier--identifier-ses-points-forts-et-ses-competences",
        ],
        ["jeunes"],
        "69388",
        "15 à 20 heures d'activités par semaine et une allocation, pour les 16-25 ans sans emploi ni formation.",
    ),
    _s(
        "mission_locale",
        "Accueil jeunes : premier entretien",
        "information",
        [
            "choisir-un-metier--connaitre-les-opportunites-demploi",
            "se-former--trouver-sa-formation",
        ],
        ["jeunes"],
        "69388",
        "Un premier rendez-vous pour faire le point : emploi, formation, logement, santé.",
        mobilisation=("se-presenter", "telephoner"),
        par=("usagers", "professionnels"),
    ),
    _s(
        "mission_locale",
        "Logement des jeunes",
        "accompagnement",
        [LOG + "louer-un-logement", LOG + "rechercher-une-solution-dhebergement-temporaire"],
        ["jeunes"],
        "69388",
        "Recherche de logement, FJT et garanties (Visale, Loca-Pass).",
    ),
    _s(
        "mission_locale",
        "Permanence santé jeunes",
        "accompagnement",
        ["sante--acces-aux-soins", "sante--sante-mentale"],
        ["jeunes"],
        "69388",
        "Bilan de santé, point écoute et orientation vers les soins.",
    ),
    _s(
        "mission_locale",
        "Parrainage vers l'emploi",
        "accompagnement",
        [CAND + "developper-son-reseau"],
        ["jeunes", "residents-qpv-frr"],
        "69388",
        "Un parrain ou une marraine en activité pour ouvrir son réseau professionnel.",
    ),
)


@dataclass(frozen=True)
class ReferralSpec:
    person: int  # index in the demo cast (see relais.demo.accompaniment.cast)
    service: str  # service name
    status: str
    reason: str
    request: str
    refusal: str = ""
    outcome: str = ""
    comment: str = ""
    categories: tuple[str, ...] = (SharedCategory.IDENTITY, SharedCategory.SITUATION)
    days_ago: int = 20


R = RefusalReason
# Persons whose contract is already to renew or still a draft: a referral adds a step to the
# pathway, which would otherwise put "contrat à renouveler" on an up-to-date caseload row.
REFERRALS = (
    # From the CCAS.
    ReferralSpec(
        3,
        "Accompagnement renforcé vers l'emploi",
        S.DONE,
        "Projet professionnel clarifié, prête à reprendre un emploi.",
        "Accompagnement vers un emploi dans l'aide à domicile.",
        outcome="Entrée en CDI à temps partiel dans un service d'aide à domicile.",
        days_ago=75,
    ),
    ReferralSpec(
        20,
        "Atelier CV et lettre de motivation",
        S.IN_PROGRESS,
        "Souhaite candidater dans la restauration collective.",
        "Réaliser un CV et une lettre.",
        days_ago=25,
    ),
    ReferralSpec(
        3,
        "Chantier d'insertion maraîchage",
        S.ACCEPTED,
        "Besoin d'une reprise d'activité progressive.",
        "Entrée sur le chantier maraîchage.",
        days_ago=12,
    ),
    ReferralSpec(
        7,
        "Distribution alimentaire",
        S.DONE,
        "Reste à vivre très faible pendant la procédure d'expulsion.",
        "Inscription à la distribution.",
        outcome="Inscrite pour la campagne d'hiver.",
        days_ago=40,
    ),
    ReferralSpec(
        7,
        "Consultation de psychiatrie adulte",
        S.SENT,
        "Isolement et anxiété qui s'aggravent.",
        "Premier rendez-vous d'évaluation.",
        days_ago=3,
    ),
    ReferralSpec(
        20,
        "Clauses sociales : mise en relation",
        S.SENT,
        "Expérience dans le BTP, disponible tout de suite.",
        "Mise en relation avec une entreprise attributaire.",
        days_ago=2,
    ),
    ReferralSpec(
        7,
        "Chantier d'insertion espaces verts",
        S.SEEN,
        "Souhaite travailler en extérieur.",
        "Entrée sur le chantier espaces verts.",
        days_ago=4,
    ),
    ReferralSpec(
        20,
        "Chantier d'insertion maraîchage",
        S.REFUSED,
        "Souhaite une première expérience en France.",
        "Entrée sur le chantier.",
        refusal=R.NO_CAPACITY,
        comment="Plus de poste avant trois mois ; nous vous recontactons.",
        days_ago=30,
    ),
    ReferralSpec(
        3,
        "Découverte des métiers en tension",
        S.CANCELLED,
        "Projet à préciser.",
        "Immersion dans le soin.",
        comment="La personne a trouvé une formation entre-temps.",
        days_ago=35,
    ),
    ReferralSpec(
        7,
        "Permis B à tarif solidaire",
        S.EXPIRED,
        "Le permis conditionne plusieurs offres d'emploi.",
        "Inscription au permis B.",
        days_ago=50,
    ),
    # From the PLIE.
    ReferralSpec(
        24,
        "Chantier d'insertion maraîchage",
        S.DONE,
        "Besoin d'une expérience récente.",
        "Contrat à durée déterminée d'insertion.",
        outcome="Six mois sur le chantier, sortie en emploi saisonnier.",
        days_ago=90,
    ),
    ReferralSpec(
        24,
        "Soutien psychologique",
        S.ACCEPTED,
        "Fatigue et découragement qui freinent la recherche d'emploi.",
        "Entretiens avec un psychologue.",
        days_ago=15,
    ),
    ReferralSpec(
        36,
        "Levée des freins mobilité",
        S.IN_PROGRESS,
        "Ne peut pas se rendre sur les zones d'emploi de l'est lyonnais.",
        "Diagnostic mobilité et aide au transport.",
        days_ago=28,
    ),
    ReferralSpec(
        41,
        "Accès aux droits et aides facultatives",
        S.SEEN,
        "Droits CSS à ouvrir.",
        "Instruction de la demande.",
        days_ago=5,
    ),
    ReferralSpec(
        36,
        "Bilan mobilité",
        S.SENT,
        "Horaires décalés sans transport en commun.",
        "Bilan mobilité.",
        days_ago=1,
    ),
    ReferralSpec(
        24,
        "Chantier d'insertion espaces verts",
        S.REFUSED,
        "Reprise d'activité.",
        "Entrée sur le chantier.",
        refusal=R.PERSON_DECLINED,
        comment="La personne préfère attendre une formation.",
        days_ago=22,
    ),
    ReferralSpec(
        41,
        "Accompagnement budgétaire",
        S.EXPIRED,
        "Dettes de loyer et crédits.",
        "Rendez-vous avec la CESF.",
        days_ago=45,
    ),
    ReferralSpec(
        36,
        "Atelier savoirs de base au jardin",
        S.CANCELLED,
        "Remise à niveau en calcul.",
        "Inscription à l'atelier.",
        comment="Doublon avec une formation déjà prévue.",
        days_ago=18,
    ),
    # From the ACI.
    ReferralSpec(
        47,
        "Préparation aux entretiens d'embauche",
        S.ACCEPTED,
        "Fin de contrat d'insertion dans deux mois.",
        "Préparer les entretiens.",
        days_ago=8,
    ),
    ReferralSpec(
        47,
        "Domiciliation administrative",
        S.DONE,
        "Hébergé chez un tiers, sans adresse pour son courrier.",
        "Domiciliation au CCAS.",
        outcome="Domiciliation ouverte ; courrier relevé chaque semaine.",
        days_ago=60,
    ),
    ReferralSpec(
        47,
        "Code de la route en français facile",
        S.IN_PROGRESS,
        "Le permis est le premier frein à l'emploi.",
        "Préparation au code.",
        days_ago=32,
    ),
    ReferralSpec(
        47,
        "Prévention des expulsions locatives",
        S.REFUSED,
        "Difficultés de budget.",
        "Accompagnement budgétaire.",
        refusal=R.WRONG_SERVICE,
        comment="Pas d'impayé de loyer : orientez vers l'accompagnement budgétaire.",
        days_ago=26,
    ),
    ReferralSpec(
        47,
        "Épicerie solidaire",
        S.SENT,
        "Premier salaire dans un mois.",
        "Accès à l'épicerie solidaire.",
        days_ago=2,
    ),
)

# (person index, invited user, categories, role)
TEAMS = (
    (
        2,
        "referente.plie@relais.localhost",
        (SharedCategory.IDENTITY, SharedCategory.STEPS),
        "Référente PLIE : emploi",
    ),
    (
        31,
        "encadrant.aci@relais.localhost",
        (SharedCategory.IDENTITY, SharedCategory.STEPS, SharedCategory.NOTES),
        "Encadrant technique : chantier",
    ),
)

# (source, target, kind, description)
PARTNERSHIPS = (
    (
        "plie",
        "aci",
        PartnershipKind.AGREEMENT,
        "Convention d'orientation vers les chantiers d'insertion",
    ),
    ("ccas", "plie", PartnershipKind.NETWORK, "Réseau des référents RSA de la Métropole"),
    ("ccas", "alimentaire", PartnershipKind.FUNDING, "Subvention annuelle à l'aide alimentaire"),
    (
        "aci",
        "auto_ecole",
        PartnershipKind.AGREEMENT,
        "Places réservées au permis B pour les salariés",
    ),
)


@dataclass
class NetworkReport:
    services: int = 0
    partners: int = 0
    referrals: int = 0
    teams: int = 0
    partnerships: int = 0
    created: list[str] = field(default_factory=list)


class NetworkSeeder:
    def __init__(self, organisations: dict[str, Organisation]):
        self.organisations = dict(organisations)
        emails = set(REFERENTS.values()) | set(MANAGERS.values()) | set(RECEIVERS.values())
        self.users = {u.email: u for u in User.objects.filter(email__in=emails)}
        self.report = NetworkReport()

    def user(self, email: str) -> User:
        return self.users[email]

    def run(self) -> NetworkReport:
        self.partners()
        self.services()
        persons = self.persons()
        self.referrals(persons)
        self.teams(persons)
        self.partnerships()
        return self.report

    # --- Directory -------------------------------------------------------------------------

    def partners(self) -> None:
        existing = {
            o.name: o
            for o in Organisation.objects.filter(
                is_external=True, name__in=[p.name for p in PARTNERS]
            )
        }
        for spec in PARTNERS:
            org = existing.get(spec.name)
            if org is None:
                org = services_catalogue.external_organisation_create(
                    actor=self.user(MANAGERS["ccas"]),
                    name=spec.name,
                    kind=spec.kind,
                    commune_code=spec.commune_code,
                    description=spec.description,
                    address=spec.address,
                    email=spec.email,
                    networks=spec.networks,
                )
                self.report.created.append(spec.name)
            self.organisations[spec.key] = org
        self.report.partners = len(PARTNERS)

    def services(self) -> None:
        org_ids = {org.pk for org in self.organisations.values()}
        existing = set(
            Service.objects.filter(organisation_id__in=org_ids).values_list(
                "organisation_id", "name"
            )
        )
        for index, spec in enumerate(SERVICES):
            org = self.organisations[spec.org]
            if (org.pk, spec.name) in existing:
                continue
            actor = self.user(MANAGERS.get(spec.org, MANAGERS["ccas"]))
            services_catalogue.service_create(
                organisation=org,
                actor=actor,
                name=spec.name,
                description=spec.description,
                type=spec.type,
                thematiques=list(spec.thematiques),
                publics=list(spec.publics),
                frais=[spec.frais],
                modes_accueil=list(spec.accueil),
                modes_mobilisation=list(spec.mobilisation),
                mobilisable_par=list(spec.par),
                commune_code=spec.commune,
                zone_eligibilite=["69"],
                # Fictitious contacts (the 04 78 99 range and a reserved domain).
                phone=f"04 78 99 {index // 10:02d} {index % 10 * 11:02d}",
                email=f"service-{index + 1}@{spec.org.replace('_', '-')}-demo.example.org",
            )
        self.service_by_name = {
            s.name: s
            for s in Service.objects.filter(organisation_id__in=org_ids).select_related(
                "organisation"
            )
        }
        self.report.services = len(self.service_by_name)

    # --- Persons ---------------------------------------------------------------------------

    def persons(self) -> dict[int, tuple[Person, str]]:
        wanted = {r.person for r in REFERRALS} | {t[0] for t in TEAMS}
        cast = {i.index: i for i in identities() if i.index in wanted}
        org_ids = {key: self.organisations[key].pk for key in ("ccas", "plie", "aci")}
        by_key = {
            (p.organisation_id, p.birth_name, p.first_names): p
            for p in Person.objects.filter(
                organisation_id__in=org_ids.values(),
                birth_name__in=[i.birth_name for i in cast.values()],
            )
        }
        persons = {}
        for index, identity in cast.items():
            person = by_key.get(
                (org_ids[identity.entry.organisation], identity.birth_name, identity.first_names)
            )
            if person is not None:
                persons[index] = (person, identity.entry.organisation)
        return persons

    def consent(self, person: Person, organisation: Organisation, actor: User, on: dt.date) -> None:
        if sharing_scope(person, organisation).covered:
            return
        consent_give(
            person=person,
            actor=actor,
            purpose=ConsentPurpose.SHARE_ORGANISATION,
            decided_on=on,
            method=ConsentMethod.ORAL_WITH_WITNESS,
            witness_name=WITNESS,
            partner_organisation=organisation,
        )

    # --- Referrals -------------------------------------------------------------------------

    def referrals(self, persons) -> None:
        existing = set(Referral.objects.values_list("person_id", "service_id"))
        today = timezone.localdate()
        to_expire = []
        for spec in REFERRALS:
            if spec.person not in persons:
                continue
            person, _ = persons[spec.person]
            service = self.service_by_name[spec.service]
            if (person.pk, service.pk) in existing:
                continue
            sender = person.referent or self.user(MANAGERS[persons[spec.person][1]])
            sender_org = person.organisation
            receiver_org = service.organisation
            self.consent(person, receiver_org, sender, today - dt.timedelta(days=spec.days_ago))
            values = {
                "person": person,
                "service": service,
                "actor": sender,
                "reason": spec.reason,
                "asked_for": spec.request,
                "shared_categories": spec.categories,
                "availability": "Du lundi au vendredi, le matin.",
                "contact_preference": "Par téléphone",
            }
            try:
                referral = referrals.referral_send(**values)
            except RedundancyToConfirm as similar:
                # As the référent would: shown the similar actions, they confirm.
                referral = referrals.referral_send(**values, confirmed_redundancy=similar.key)
            self.move(referral, spec, sender, sender_org, receiver_org)
            if spec.status == S.EXPIRED:
                to_expire.append(referral.pk)
            self.backdate(referral.pk, spec.days_ago)
        if to_expire:
            Referral.objects.filter(pk__in=to_expire).update(
                expires_at=timezone.now() - dt.timedelta(days=1)
            )
            referrals.referrals_expire()
        self.report.referrals = Referral.objects.filter(
            service__in=self.service_by_name.values()
        ).count()

    def move(self, referral, spec, sender, sender_org, receiver_org) -> None:
        status = spec.status
        if status in (S.SENT, S.EXPIRED):
            return
        if status == S.CANCELLED:
            referrals.referral_cancel(
                referral=referral,
                actor=sender,
                organisation=sender_org,
                expected_version=None,
                comment=spec.comment,
            )
            return
        if receiver_org.is_external:
            referral_answers.referral_record_answer(
                referral=referral,
                actor=sender,
                organisation=sender_org,
                expected_version=None,
                decision=status,
                refusal_reason=spec.refusal,
                comment=spec.comment,
                outcome=spec.outcome,
            )
            return
        key = next(k for k, o in self.organisations.items() if o.pk == receiver_org.pk)
        actor = self.user(RECEIVERS[key])
        common = {"actor": actor, "organisation": receiver_org, "expected_version": None}
        referral = referral_answers.referral_mark_seen(
            referral=referral, actor=actor, organisation=receiver_org
        )
        if status == S.SEEN:
            return
        if status == S.REFUSED:
            referral_answers.referral_refuse(
                referral=referral, refusal_reason=spec.refusal, comment=spec.comment, **common
            )
            return
        referral = referral_answers.referral_accept(
            referral=referral, comment="Nous recevons la personne.", **common
        )
        if status == S.ACCEPTED:
            return
        if status == S.IN_PROGRESS:
            referral_answers.referral_start(referral=referral, **common)
            return
        referral_answers.referral_complete(referral=referral, outcome=spec.outcome, **common)

    def backdate(self, pk: int, days: int) -> None:
        """The referral was sent `days` ago, its answers followed over the next days."""
        delta = dt.timedelta(days=days)
        Referral.objects.filter(pk=pk).update(
            sent_at=F("sent_at") - delta,
            expires_at=F("expires_at") - delta,
            created_at=F("created_at") - delta,
        )
        transitions = list(ReferralTransition.objects.filter(referral_id=pk).order_by("at", "id"))
        for n, transition in enumerate(transitions):
            shift = delta - dt.timedelta(days=min(n * max(days // 4, 1), days))
            ReferralTransition.objects.filter(pk=transition.pk).update(at=F("at") - shift)
            field_name = {
                S.SEEN: "seen_at",
                S.ACCEPTED: "answered_at",
                S.REFUSED: "answered_at",
                S.DONE: "closed_at",
                S.CANCELLED: "closed_at",
            }.get(transition.to_status)
            if field_name:
                Referral.objects.filter(pk=pk).update(**{field_name: F(field_name) - shift})

    # --- Teams and partnerships ---------------------------------------------------------------

    def teams(self, persons) -> None:
        today = timezone.localdate()
        for index, email, categories, role in TEAMS:
            if index not in persons:
                continue
            person, _ = persons[index]
            user = self.user(email)
            if TeamMember.objects.filter(team__person=person, user=user).exists():
                continue
            organisation = Membership.objects.get(
                user=user, is_active=True, role=Role.REFERENT
            ).organisation
            actor = person.referent or self.user(MANAGERS[persons[index][1]])
            started = today - dt.timedelta(days=30)
            self.consent(person, organisation, actor, started)
            teams.team_member_add(
                person=person,
                actor=actor,
                organisation=organisation,
                user=user,
                role=role,
                categories=categories,
                started_on=started,
            )
        self.report.teams = CoordinationTeam.objects.filter(
            person_id__in=[p.pk for p, _ in persons.values()]
        ).count()

    def partnerships(self) -> None:
        for source, target, kind, description in PARTNERSHIPS:
            source_org, target_org = self.organisations[source], self.organisations[target]
            if not Partnership.objects.filter(
                source=source_org, target=target_org, kind=kind
            ).exists():
                membership = Membership.objects.get(
                    user=self.user(MANAGERS[source]), organisation=source_org
                )
                partnerships.partnership_declare(
                    membership=membership,
                    target=target_org,
                    kind=kind,
                    description=description,
                    started_on=dt.date(timezone.localdate().year - 1, 1, 1),
                )
        self.report.partnerships = len(PARTNERSHIPS)


def seed_network(organisations: dict[str, Organisation]) -> NetworkReport:
    """Seed the coordination demo for `organisations` (keyed "ccas", "plie", "aci"). Idempotent."""
    return NetworkSeeder(organisations).run()
