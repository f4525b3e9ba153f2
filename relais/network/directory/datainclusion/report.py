"""The report of an import: every problem with its file, line and field, the notices
(encoding, separator, ignored columns…), and what was created, updated or left unchanged.
Filled by each step of the import, shown by the import page and the management command."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"ligne {self.line}" if self.line else "fichier"
        column = f", champ « {self.field} »" if self.field else ""
        return f"{self.file}, {where}{column} : {self.message}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    notices: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    structures: Counts = field(default_factory=Counts)
    services: Counts = field(default_factory=Counts)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, file: str, line: int | None, field_name: str, message: str) -> None:
        self.errors.append(Problem(file, line, field_name, message))

    def summary(self) -> str:
        def part(counts: Counts, noun: str, feminine: bool) -> str:
            e = "e" if feminine else ""

            def agree(n: int, word: str) -> str:
                return f"{n} {word}{e}{'s' if n > 1 else ''}"

            return (
                f"{counts.total} {noun}{'s' if counts.total > 1 else ''} ("
                f"{agree(counts.created, 'créé')}, "
                f"{counts.updated} mis{e}{'s' if e and counts.updated > 1 else ''} à jour, "
                f"{agree(counts.unchanged, 'inchangé')})"
            )

        return f"{part(self.structures, 'structure', True)} et {part(self.services, 'service', False)}."
