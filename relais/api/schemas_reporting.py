"""Schemas of the reporting API: indicators as JSON, suppressed as on the pages."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import Field

from relais.api.schemas_base import MAX_ID, InputSchema, OutputSchema
from relais.pathways.models import Scheme
from relais.reporting.filters import AgeBand

SchemeValue = Enum("SchemeValue", {v: v for v in Scheme.values}, type=str)
AgeBandValue = Enum("AgeBandValue", {v.replace("-", "_"): v for v in AgeBand.values}, type=str)


class IndicatorFilters(InputSchema):
    start: dt.date | None = Field(
        None,
        description="Premier jour de la période (AAAA-MM-JJ), le 1er d'un mois hors file active ; "
        "par défaut le 1er janvier.",
    )
    end: dt.date | None = Field(
        None,
        description="Dernier jour de la période, pas avant `start`, le dernier jour d'un mois hors "
        "file active ; par défaut le dernier jour du mois en cours.",
    )
    scheme: SchemeValue | None = Field(None, description="Dispositif.")
    referent_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Référent (membre de la structure ; tableau « structure »).",
    )
    commune: str | None = Field(
        None,
        max_length=5,
        description="Code commune INSEE (sans effet sur le tableau « coordination »).",
    )
    age_band: AgeBandValue | None = Field(
        None,
        description="Tranche d'âge à la fin de la période (sans effet sur « coordination »).",
    )
    keys: list[str] = Field(
        default_factory=list, max_length=50, description="Indicateurs voulus (tous si vide)."
    )


class CellOut(OutputSchema):
    text: str = Field(description="Tel qu'affiché (« < 5 » si masqué).")
    value: float | int | None = Field(description="Valeur ; null si masquée ou absente.")
    suppressed: bool


class LineOut(OutputSchema):
    label: str
    cells: list[CellOut]
    is_total: bool


class IndicatorOut(OutputSchema):
    key: str
    section: str
    label: str
    definition: str = Field(description="Comment est-ce calculé ?")
    columns: list[str]
    lines: list[LineOut]
    any_suppressed: bool


class IndicatorsOut(OutputSchema):
    scope: str
    start: dt.date
    end: dt.date
    suppression: bool = Field(description="Petits effectifs masqués (hors file active).")
    withheld: str | None = Field(
        None,
        description=(
            "Hors file active, moins de 5 personnes correspondent aux filtres : aucun "
            "indicateur n'est donné, et ce message dit pourquoi."
        ),
    )
    indicators: list[IndicatorOut]
