"""The territory an actor map covers: a département, or a list of communes (names or INSEE
codes), read from what the user typed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q

from relais.accounts.models import Organisation
from relais.core.communes import get_commune
from relais.core.errors import DomainError
from relais.network.directory.geo import (
    CommuneLookupError,
    departement_of,
    is_departement_code,
    resolve_commune,
)


@dataclass(frozen=True)
class Territory:
    departement: str = ""
    communes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.departement:
            return f"département {self.departement}"
        names = []
        for code in self.communes[:4]:
            commune = get_commune(code)
            names.append(commune.name if commune else code)
        more = len(self.communes) - len(names)
        return ", ".join(names) + (f" et {more} autre{'s' if more > 1 else ''}" if more else "")

    @property
    def slug(self) -> str:
        return self.departement or "-".join(self.communes[:3]) + (
            "-etc" if len(self.communes) > 3 else ""
        )

    def organisations_q(self) -> Q:
        if self.departement:
            return Q(commune_code__startswith=self.departement)
        return Q(commune_code__in=self.communes)

    def as_text(self) -> str:
        return self.departement or ", ".join(self.communes)


MAX_COMMUNES = 200


def parse_territory(text: str) -> Territory:
    """« 69 » (a département) or communes separated by commas, semicolons or line breaks
    (names or INSEE codes: « Lyon, Villeurbanne » or « 69123 69266 »)."""
    text = (text or "").strip()
    if not text:
        raise DomainError("Indiquez un département ou des communes.", field="territoire")
    if is_departement_code(text):
        return Territory(departement=text.upper())
    parts = [p.strip() for p in re.split(r"[,;\n]+", text) if p.strip()]
    if len(parts) == 1 and re.fullmatch(r"[0-9AaBb\s]+", parts[0]):
        parts = parts[0].split()  # codes separated by spaces
    codes: list[str] = []
    for part in parts:
        try:
            commune = resolve_commune(part)
        except CommuneLookupError as error:
            raise DomainError(error.message, field="territoire") from error
        if commune.code not in codes:
            codes.append(commune.code)
    if len(codes) > MAX_COMMUNES:
        raise DomainError(
            f"{MAX_COMMUNES} communes au plus : choisissez plutôt un département.",
            field="territoire",
        )
    return Territory(communes=tuple(codes))


def default_territory(organisation: Organisation | None) -> Territory:
    code = departement_of(organisation.commune_code) if organisation else ""
    return Territory(departement=code) if is_departement_code(code) else Territory()
