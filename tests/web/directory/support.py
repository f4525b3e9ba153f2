"""Shared set-up for the directory page tests (no test here): a valid service and the
service form's fields as a browser posts them."""

from __future__ import annotations

from tests.factories import ServiceFactory

PERMIS = "mobilite--preparer-un-permis"


def valid_service(organisation, **kwargs):
    kwargs.setdefault("thematiques", [PERMIS])
    return ServiceFactory(organisation=organisation, **kwargs)


def service_post(**overrides):
    data = {
        "name": "Atelier mobilité",
        "description": "Préparer son permis et trouver des solutions pour se déplacer.",
        "type": "atelier",
        "thematiques": [PERMIS, "mobilite--financer-ma-mobilite"],
        "publics": ["jeunes"],
        "frais": "gratuit",
        "modes_accueil": ["en-presentiel"],
        "modes_mobilisation": ["telephoner"],
        "mobilisable_par": ["professionnels"],
        "zone_eligibilite": "69, 2A 200046977",
        "commune": "Villeurbanne",
        "phone": "0472000000",
        "email": "mobilite@exemple.fr",
        "horaires_accueil": "du lundi au vendredi, 9 h – 12 h",
        "volume_horaire_hebdomadaire": "3,5",
    }
    data.update(overrides)
    return data
