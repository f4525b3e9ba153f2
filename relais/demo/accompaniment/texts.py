"""Generic sentences of the demo: how a situation evolved, review texts, note endings, exit
comments. Factual and respectful: every note passes the writing check."""

from __future__ import annotations

from relais.diagnostics.domains import Domain
from relais.pathways.models import ExitCategory, GoalResult, StepKind

PROGRESS = {
    Domain.EMPLOYMENT: "Depuis le dernier diagnostic : projet professionnel plus précis, "
    "candidatures en cours.",
    Domain.TRAINING: "Depuis le dernier diagnostic : une formation est identifiée et le "
    "financement demandé.",
    Domain.MOBILITY: "Depuis le dernier diagnostic : solution de transport trouvée pour les "
    "trajets réguliers.",
    Domain.HOUSING: "Depuis le dernier diagnostic : la situation de logement s'est stabilisée.",
    Domain.HEALTH: "Depuis le dernier diagnostic : suivi médical repris, médecin traitant déclaré.",
    Domain.BUDGET: "Depuis le dernier diagnostic : plus de nouvel impayé, budget suivi chaque "
    "mois.",
    Domain.RIGHTS: "Depuis le dernier diagnostic : droits ouverts et démarches à jour.",
    Domain.FAMILY: "Depuis le dernier diagnostic : solution de garde en place.",
    Domain.LANGUAGE: "Depuis le dernier diagnostic : progrès nets à l'oral, l'écrit progresse.",
    Domain.DIGITAL: "Depuis le dernier diagnostic : démarches en ligne faites sans aide.",
    Domain.JUSTICE: "Depuis le dernier diagnostic : obligations du suivi respectées.",
    Domain.SOCIAL_LIFE: "Depuis le dernier diagnostic : participe à une activité collective "
    "chaque semaine.",
}

SETBACK = {
    Domain.EMPLOYMENT: "Depuis le dernier diagnostic : candidatures sans réponse, la personne "
    "dit se décourager.",
    Domain.TRAINING: "Depuis le dernier diagnostic : entrée en formation reportée faute de "
    "financement.",
    Domain.MOBILITY: "Depuis le dernier diagnostic : la solution de transport n'est plus "
    "disponible.",
    Domain.HOUSING: "Depuis le dernier diagnostic : l'hébergement chez un tiers prend fin le "
    "mois prochain.",
    Domain.HEALTH: "Depuis le dernier diagnostic : douleurs plus fréquentes déclarées, "
    "rendez-vous médicaux plus nombreux.",
    Domain.BUDGET: "Depuis le dernier diagnostic : nouvelle facture impayée ; reste à vivre "
    "en baisse.",
    Domain.RIGHTS: "Depuis le dernier diagnostic : suspension d'un droit en attente d'un "
    "justificatif.",
    Domain.FAMILY: "Depuis le dernier diagnostic : la solution de garde s'est arrêtée.",
    Domain.LANGUAGE: "Depuis le dernier diagnostic : cours de français interrompus.",
    Domain.DIGITAL: "Depuis le dernier diagnostic : téléphone hors d'usage, plus d'accès aux "
    "espaces en ligne.",
    Domain.JUSTICE: "Depuis le dernier diagnostic : nouvelle convocation à une audience.",
    Domain.SOCIAL_LIFE: "Depuis le dernier diagnostic : sort moins de chez soi, dit se sentir "
    "seul·e.",
}

GAPS = {
    GoalResult.PARTLY: (
        "Démarches engagées ; réponse du partenaire attendue.",
        "Progression réelle, mais le délai était trop court.",
        "Étape reportée à la demande de la personne.",
        "En attente de la décision de la commission.",
    ),
    GoalResult.NOT_ACHIEVED: (
        "La priorité a été donnée à la situation de logement.",
        "Délai d'attente du partenaire plus long que prévu.",
        "Objectif à reformuler avec la personne.",
    ),
    GoalResult.ABANDONED: (
        "Objectif retiré d'un commun accord : la personne donne la priorité à l'emploi.",
        "Objectif retiré : la situation a changé et il ne correspond plus à ses souhaits.",
    ),
}

RISKS = (
    "Délais administratifs longs.",
    "Fatigue exprimée par la personne.",
    "Démarches qui dépendent de la décision d'un partenaire.",
    "Découragement possible si les réponses tardent.",
    "Transports longs pour rejoindre les lieux proposés.",
)

SUCCESS_FACTORS = (
    "Présence à tous les rendez-vous.",
    "Soutien de l'entourage.",
    "Bonne coordination avec les partenaires.",
    "Motivation exprimée pour le projet.",
    "Démarches faites en autonomie.",
)

PERSON_VIEWS = (
    "« Je vois que ça avance, même si c'est long. »",
    "« J'ai repris confiance. »",
    "« Je voudrais aller plus vite sur l'emploi. »",
    "« Ça m'aide d'avoir un plan écrit. »",
    "« Je suis soulagé·e d'avoir enfin des réponses. »",
    "« Je ne pensais pas y arriver. »",
)

CALL_ENDINGS = (
    "Rendez-vous maintenu.",
    "Information notée au dossier.",
    "Document transmis par e-mail le jour même.",
    "Point prévu au prochain entretien.",
)

STEP_OUTCOMES = {
    StepKind.APPOINTMENT: "Rendez-vous honoré.",
    StepKind.WORKSHOP: "Participation à toutes les séances.",
    StepKind.TRAINING: "Formation suivie jusqu'au bout.",
    StepKind.IMMERSION: "Immersion réalisée ; retour positif du tuteur.",
    StepKind.ADMINISTRATIVE: "Démarche faite ; justificatif transmis.",
    StepKind.REFERRAL: "Premier rendez-vous pris avec le partenaire.",
    StepKind.EMPLOYMENT: "Candidature envoyée ; entretien obtenu.",
    StepKind.OTHER: "Réalisé.",
}

STEP_ABANDONED = (
    "Abandonnée : remplacée par une autre démarche plus adaptée.",
    "Abandonnée d'un commun accord : la personne a changé de priorité.",
)

EXIT_COMMENTS = {
    ExitCategory.SUSTAINABLE_EMPLOYMENT: "CDI à temps plein chez {employeur}.",
    ExitCategory.TRANSITION_EMPLOYMENT: "CDD de quatre mois chez {employeur}.",
    ExitCategory.POSITIVE: "Entrée en formation qualifiante (titre professionnel), "
    "financement obtenu.",
    ExitCategory.MOVED: "Déménagement dans la Drôme pour se rapprocher de la famille ; "
    "coordonnées du CCAS de la nouvelle commune transmises avec son accord.",
    ExitCategory.LOST_CONTACT: "Sans nouvelles depuis plusieurs semaines malgré deux courriers "
    "et plusieurs appels ; le dossier pourra être rouvert à sa demande.",
    ExitCategory.ENDED_BY_PERSON: "{civ} {nom} a souhaité mettre fin à l'accompagnement : "
    "{il} se sent en mesure de poursuivre seul{e} ses démarches.",
    ExitCategory.OTHER: "Orientation vers un accompagnement spécialisé (Cap emploi), plus "
    "adapté à la situation.",
    ExitCategory.REORIENTED: "Réorientation vers l'accompagnement RSA du Département, plus "
    "adapté à la situation actuelle ; le relais est pris par la nouvelle référente.",
    ExitCategory.END_OF_RIGHTS: "Fin des droits au dispositif ; les démarches en cours "
    "sont confiées au CCAS de la commune, avec l'accord de {civ} {nom}.",
    ExitCategory.HEALTH: "Arrêt du parcours pour raisons de santé ; {civ} {nom} pourra le "
    "reprendre à sa demande.",
    ExitCategory.INCARCERATION: "Parcours interrompu : {civ} {nom} est incarcéré{e}. Le SPIP "
    "est informé, avec son accord, pour préparer la sortie.",
    ExitCategory.DEATH: "Décès de {civ} {nom}, appris par sa famille.",
}

EXIT_NOTES = {
    ExitCategory.SUSTAINABLE_EMPLOYMENT: "Bilan de sortie : {civ} {nom} a signé un CDI chez "
    "{employeur}. Objectifs repris ensemble ; {il} souhaite être recontacté{e} dans trois mois "
    "pour un point.",
    ExitCategory.TRANSITION_EMPLOYMENT: "Bilan de sortie : CDD de quatre mois chez {employeur}. "
    "{civ} {nom} garde le contact avec le PLIE et le club emploi pour la suite.",
    ExitCategory.POSITIVE: "Bilan de sortie : entrée en formation qualifiante confirmée par "
    "l'organisme. L'accompagnement s'arrête à la demande de {civ} {nom}, qui sait pouvoir "
    "revenir.",
    ExitCategory.MOVED: "Appel de {civ} {nom} : déménagement dans la Drôme à la fin du mois. "
    "Avec son accord, les coordonnées du CCAS de sa nouvelle commune lui sont remises.",
    ExitCategory.LOST_CONTACT: "Clôture du parcours : sans réponse aux deux courriers et aux "
    "appels des dernières semaines. Un courrier indique que le dossier peut être rouvert.",
    ExitCategory.ENDED_BY_PERSON: "Entretien de fin d'accompagnement à la demande de {civ} "
    "{nom}. Les démarches en cours sont reprises ensemble ; {il} sait pouvoir revenir.",
    ExitCategory.OTHER: "Entretien de fin de parcours : orientation vers Cap emploi acceptée "
    "par {civ} {nom} ; premier rendez-vous fixé.",
    ExitCategory.REORIENTED: "Entretien de fin de parcours : le relais avec la référente RSA "
    "du Département est organisé ; {civ} {nom} a son premier rendez-vous.",
    ExitCategory.END_OF_RIGHTS: "Entretien de fin de parcours : fin des droits au dispositif. "
    "Les démarches en cours sont reprises avec le CCAS.",
    ExitCategory.HEALTH: "Appel de {civ} {nom} : hospitalisation prévue pour plusieurs mois. "
    "Le parcours s'arrête ; {il} sait pouvoir revenir.",
    ExitCategory.INCARCERATION: "Information de la famille : {civ} {nom} est incarcéré{e}. "
    "Le parcours est clos ; contact pris avec le SPIP.",
    ExitCategory.DEATH: "Clôture du dossier après le décès de {civ} {nom}.",
}

FOLLOW_UPS = {
    ExitCategory.SUSTAINABLE_EMPLOYMENT: "Appel de suivi après la sortie : {civ} {nom} "
    "confirme être toujours en poste ; aucune difficulté signalée.",
    ExitCategory.TRANSITION_EMPLOYMENT: "Appel de suivi après la sortie : le contrat se passe "
    "bien, une prolongation est évoquée par l'employeur.",
    ExitCategory.POSITIVE: "Appel de suivi : la formation a commencé, {civ} {nom} dit s'y "
    "sentir à sa place.",
}

HOME_VISIT = (
    "Visite à domicile convenue avec {civ} {nom}. Courriers en attente triés ensemble ; "
    "deux démarches faites pendant la visite (attestation CAF, relevé de compteur)."
)

PRIVATE_NOTE = (
    "Préparation du prochain bilan : points à aborder avec {civ} {nom} — avancée des "
    "démarches, ressources du mois, suite du plan d'action."
)

APPOINTMENT_PURPOSES = (
    "Entretien de suivi",
    "Point sur les démarches",
    "Entretien de suivi",
    "Point d'étape",
)
