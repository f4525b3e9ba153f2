"""Forms of the shared diagnostic: the global part, one form per life domain, and
`DiagnosticEntry` that holds them together and turns them into a service input."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils import timezone

from relais.core.errors import DomainError
from relais.diagnostics import urgency as urgency_rules
from relais.diagnostics.domains import Difficulty, Domain, barrier_label, barriers_for
from relais.diagnostics.models import Diagnostic, Urgency
from relais.diagnostics.services import AssessmentInput, DiagnosticInput


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


URGENCY_RETAIN_SUGGESTED = ""
# Inputs whose change updates the live urgency suggestion (htmx trigger in the template).
URGENCY_INPUT_ATTRIBUTE = "data-relais-urgency"
URGENCY_FACT_FIELDS = (
    "assessed_on",
    "no_shelter_tonight",
    "no_resources",
    "violence",
    "health_emergency",
    "eviction_on",
)
URGENCY_BADGES = {
    Urgency.IMMEDIATE: "fr-badge--error",
    Urgency.HIGH: "fr-badge--warning",
    Urgency.WATCH: "fr-badge--info",
    Urgency.NONE: "fr-badge--success",
}


@dataclass(frozen=True)
class Suggestion:
    level: int
    reasons: list[str]

    @property
    def label(self) -> str:
        return Urgency(self.level).label

    @property
    def badge(self) -> str:
        return URGENCY_BADGES[self.level]


class DiagnosticForm(forms.Form):
    """The global part: date, the person's expectations, urgency facts and level."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        error_messages={
            "required": "Le formulaire est incomplet : rechargez la page puis recommencez.",
            "invalid": "Le formulaire a été altéré : rechargez la page puis recommencez.",
            "min_value": "Le formulaire a été altéré : rechargez la page puis recommencez.",
        },
    )
    assessed_on = forms.DateField(label="Date du diagnostic", widget=_date_widget())
    person_expectations = forms.CharField(
        label="Attentes de la personne, avec ses mots",
        required=False,
        max_length=5000,
        widget=_textarea(4),
    )
    no_shelter_tonight = forms.BooleanField(
        label="Sans solution d'hébergement pour ce soir", required=False
    )
    no_resources = forms.BooleanField(label="Aucune ressource", required=False)
    violence = forms.BooleanField(label="Violences subies ou personne en danger", required=False)
    health_emergency = forms.BooleanField(label="Urgence de santé", required=False)
    eviction_on = forms.DateField(
        label="Date d'expulsion prévue",
        required=False,
        widget=_date_widget(),
        help_text="Laissez vide s'il n'y a pas de procédure d'expulsion en cours.",
    )
    urgency = forms.TypedChoiceField(
        label="Degré d'urgence retenu",
        required=False,
        choices=[(URGENCY_RETAIN_SUGGESTED, "Retenir le niveau suggéré"), *Urgency.choices],
        coerce=int,
        empty_value=None,
    )
    urgency_override_reason = forms.CharField(
        label="Justification du degré retenu",
        required=False,
        max_length=2000,
        widget=_textarea(3),
        help_text="Obligatoire si vous retenez un autre niveau que le niveau suggéré.",
    )
    validated_with_person_on = forms.DateField(
        label="Validé avec la personne le",
        required=False,
        widget=_date_widget(),
        help_text="La date à laquelle la personne a relu et approuvé ce diagnostic.",
    )

    def __init__(self, *args, version_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = version_required
        for name in URGENCY_FACT_FIELDS:
            self.fields[name].widget.attrs[URGENCY_INPUT_ATTRIBUTE] = ""

    def clean_assessed_on(self):
        value = self.cleaned_data["assessed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("La date du diagnostic ne peut pas être dans le futur.")
        return value

    def clean_validated_with_person_on(self):
        value = self.cleaned_data.get("validated_with_person_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(
                "La date de validation avec la personne ne peut pas être dans le futur."
            )
        return value

    def clean(self):
        cleaned = super().clean()
        assessed, validated = cleaned.get("assessed_on"), cleaned.get("validated_with_person_on")
        if assessed and validated and validated < assessed:
            self.add_error(
                "validated_with_person_on",
                "La validation avec la personne ne peut pas précéder la date du diagnostic.",
            )
        return cleaned


class DomainAssessmentForm(forms.Form):
    """One life domain. Everything is optional: a domain left empty is "not addressed"."""

    situation = forms.CharField(
        label="Situation", required=False, max_length=5000, widget=_textarea(3)
    )
    difficulty = forms.TypedChoiceField(
        label="Niveau de difficulté",
        required=False,
        choices=[("", "Non abordé"), *Difficulty.choices],
        coerce=int,
        empty_value=None,
    )
    strengths = forms.CharField(
        label="Atouts", required=False, max_length=3000, widget=_textarea(2)
    )
    barriers = forms.MultipleChoiceField(
        label="Freins repérés", required=False, widget=forms.CheckboxSelectMultiple
    )
    barriers_other = forms.CharField(
        label="Autres freins (texte libre)", required=False, max_length=500
    )
    person_words = forms.CharField(
        label="Paroles et souhaits de la personne",
        required=False,
        max_length=3000,
        widget=_textarea(2),
    )

    def __init__(self, *args, domain: Domain, **kwargs):
        kwargs.setdefault("prefix", domain.value)
        super().__init__(*args, **kwargs)
        self.domain = domain
        self.vocabulary = barriers_for(domain)
        self.fields["barriers"].choices = [(b.code, b.label) for b in self.vocabulary]
        self.fields["difficulty"].widget.attrs["data-relais-difficulty"] = f"resume-{domain}"
        self.fields["difficulty"].widget.attrs[URGENCY_INPUT_ATTRIBUTE] = ""

    @property
    def label(self) -> str:
        return self.domain.label

    @property
    def anchor(self) -> str:
        return f"domaine-{self.domain.value}"

    def barrier_groups(self) -> list[dict]:
        """The barrier checkboxes grouped as France Travail groups them (with France
        Travail's codes), then Relais's own barriers of the domain."""
        by_code = {b.code: b for b in self.vocabulary}
        groups: dict[str, dict] = {}
        for widget in self["barriers"]:
            barrier = by_code[str(widget.data["value"])]
            if barrier.is_france_travail:
                key = barrier.group_code
                title = f"Contrainte France Travail « {barrier.group_label} »"
                hint = f"code {barrier.group_code}"
            else:
                key, title, hint = "relais", "Autres freins fréquents", ""
            group = groups.setdefault(key, {"title": title, "hint": hint, "items": []})
            group["items"].append({"widget": widget, "barrier": barrier})
        return list(groups.values())

    def _value(self, name: str):
        return self[name].value()

    @property
    def difficulty_value(self) -> int | None:
        raw = self._value("difficulty")
        if raw in (None, ""):
            return None
        try:
            level = int(raw)
        except (TypeError, ValueError):
            return None
        return level if level in Difficulty.values else None

    @property
    def summary(self) -> str:
        """Shown on the collapsed domain: its difficulty and number of barriers."""
        level = self.difficulty_value
        text = "Non abordé" if level is None else Difficulty(level).label
        count = len(self._value("barriers") or [])
        if count:
            text += f", {count} frein{'s' if count > 1 else ''}"
        return text

    @property
    def should_open(self) -> bool:
        return bool(self.errors)

    def to_input(self) -> AssessmentInput:
        data = self.cleaned_data
        return AssessmentInput(
            domain=self.domain.value,
            situation=data["situation"],
            difficulty=data["difficulty"],
            strengths=data["strengths"],
            barriers=tuple(data["barriers"]),
            barriers_other=data["barriers_other"],
            person_words=data["person_words"],
        )


def diagnostic_initial(diagnostic: Diagnostic, *, for_new: bool) -> tuple[dict, dict[str, dict]]:
    """Initial values from a saved diagnostic: to edit it, or to pre-fill the next one
    (then dated today, not yet validated, urgency back to the suggestion)."""
    main = {
        "version": diagnostic.version,
        "assessed_on": diagnostic.assessed_on,
        "person_expectations": diagnostic.person_expectations,
        "no_shelter_tonight": diagnostic.no_shelter_tonight,
        "no_resources": diagnostic.no_resources,
        "violence": diagnostic.violence,
        "health_emergency": diagnostic.health_emergency,
        "eviction_on": diagnostic.eviction_on,
        "urgency": diagnostic.urgency if diagnostic.is_overridden else URGENCY_RETAIN_SUGGESTED,
        "urgency_override_reason": diagnostic.urgency_override_reason,
        "validated_with_person_on": diagnostic.validated_with_person_on,
    }
    if for_new:
        main.update(
            version=None,
            assessed_on=timezone.localdate(),
            urgency=URGENCY_RETAIN_SUGGESTED,
            urgency_override_reason="",
            validated_with_person_on=None,
        )
    domains = {
        a.domain: {
            "situation": a.situation,
            "difficulty": a.difficulty,
            "strengths": a.strengths,
            "barriers": list(a.barriers),
            "barriers_other": a.barriers_other,
            "person_words": a.person_words,
        }
        for a in diagnostic.assessments.all()
    }
    return main, domains


class DiagnosticEntry:
    """The whole diagnostic page: the global form and the twelve domain forms."""

    def __init__(
        self,
        data=None,
        *,
        source: Diagnostic | None = None,
        for_new: bool = True,
    ) -> None:
        main_initial: dict = {"assessed_on": timezone.localdate()}
        domain_initial: dict[str, dict] = {}
        if source is not None:
            main_initial, domain_initial = diagnostic_initial(source, for_new=for_new)
        self.main = DiagnosticForm(data, initial=main_initial, version_required=not for_new)
        self.domains = [
            DomainAssessmentForm(data, domain=domain, initial=domain_initial.get(domain.value))
            for domain in Domain
        ]
        self.conflict: dict | None = None

    @property
    def is_bound(self) -> bool:
        return self.main.is_bound

    def is_valid(self) -> bool:
        results = [self.main.is_valid(), *(f.is_valid() for f in self.domains)]
        return all(results)

    @property
    def has_errors(self) -> bool:
        return self.is_bound and (bool(self.main.errors) or any(f.errors for f in self.domains))

    @property
    def domains_with_errors(self) -> list[DomainAssessmentForm]:
        return [f for f in self.domains if f.is_bound and f.errors]

    @property
    def version(self) -> int:
        return self.main.cleaned_data["version"]

    def to_input(self) -> DiagnosticInput:
        data = self.main.cleaned_data
        return DiagnosticInput(
            assessed_on=data["assessed_on"],
            assessments=tuple(f.to_input() for f in self.domains),
            person_expectations=data["person_expectations"],
            no_shelter_tonight=data["no_shelter_tonight"],
            no_resources=data["no_resources"],
            violence=data["violence"],
            health_emergency=data["health_emergency"],
            eviction_on=data["eviction_on"],
            urgency=data["urgency"],
            urgency_override_reason=data["urgency_override_reason"],
            validated_with_person_on=data["validated_with_person_on"],
        )

    def add_error(self, error: DomainError) -> None:
        """Put a service's refusal next to the field it is about."""
        target = error.field or ""
        if "." in target:
            domain, name = target.split(".", 1)
            for form in self.domains:
                if form.domain.value == domain and name in form.fields:
                    form.add_error(name, error.message)
                    return
        if target in self.main.fields:
            self.main.add_error(target, error.message)
        else:
            self.main.add_error(None, error.message)

    def suggestion(self) -> Suggestion:
        """The urgency the rules suggest for what is on the page now (bound or initial),
        ignoring fields that do not parse: it feeds the live preview."""
        main = self.main

        def value(name: str):
            if main.is_bound:
                if hasattr(main, "cleaned_data") and name in main.cleaned_data:
                    return main.cleaned_data[name]
                field = main.fields[name]
                try:
                    return field.clean(
                        field.widget.value_from_datadict(main.data, {}, main.add_prefix(name))
                    )
                except forms.ValidationError:
                    return None
            return main.get_initial_for_field(main.fields[name], name)

        assessed_on = value("assessed_on") or timezone.localdate()
        facts = urgency_rules.UrgencyFacts(
            assessed_on=assessed_on,
            no_shelter_tonight=bool(value("no_shelter_tonight")),
            no_resources=bool(value("no_resources")),
            violence=bool(value("violence")),
            health_emergency=bool(value("health_emergency")),
            eviction_on=value("eviction_on"),
            blocking_domains=tuple(
                f.domain.value for f in self.domains if f.difficulty_value == Difficulty.BLOCKING
            ),
        )
        level, reasons = urgency_rules.suggest(facts)
        return Suggestion(level, reasons)

    def record_conflict(self, message: str, current: Diagnostic) -> None:
        """Someone saved in between: keep the user's input, point at what changed, and carry
        the new version so that saving again (after checking) goes through."""
        data = self.main.data.copy()
        data[self.main.add_prefix("version")] = str(current.version)
        self.main.data = data
        for form in self.domains:
            form.data = data
        self.conflict = {"message": message, "changes": conflict_changes(self, current)}


def _display(value) -> str:
    if value is None or value == "" or value == []:
        return "vide"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return text if len(text) <= 160 else text[:157] + "…"


def conflict_changes(entry: DiagnosticEntry, current: Diagnostic) -> list[dict]:
    """Fields where the saved version differs from what the user typed."""
    changes = []
    mine = entry.to_input()
    for name in (
        "assessed_on",
        "person_expectations",
        "no_shelter_tonight",
        "no_resources",
        "violence",
        "health_emergency",
        "eviction_on",
        "validated_with_person_on",
    ):
        saved = getattr(current, name)
        typed = getattr(mine, name)
        if isinstance(saved, str):
            typed = typed.strip()
        if saved != typed:
            label = entry.main.fields[name].label
            changes.append({"label": label, "saved": _display(saved)})
    if (
        current.urgency != (current.urgency_suggested if mine.urgency is None else mine.urgency)
        or current.urgency_override_reason != mine.urgency_override_reason.strip()
    ):
        changes.append(
            {
                "label": "Degré d'urgence retenu",
                "saved": current.get_urgency_display()
                + (
                    f" ({current.urgency_override_reason})"
                    if current.urgency_override_reason
                    else ""
                ),
            }
        )
    saved_domains = {a.domain: a for a in current.assessments.all()}
    for assessment in mine.assessments:
        saved = saved_domains.get(assessment.domain)
        domain_label = Domain(assessment.domain).label
        for name, label in (
            ("situation", "situation"),
            ("difficulty", "niveau de difficulté"),
            ("strengths", "atouts"),
            ("barriers", "freins"),
            ("barriers_other", "autres freins"),
            ("person_words", "paroles de la personne"),
        ):
            typed = getattr(assessment, name)
            old = getattr(saved, name) if saved is not None else None
            if name == "barriers":
                typed, old = sorted(typed), sorted(old or [])
                shown = ", ".join(barrier_label(code) for code in old)
            elif name == "difficulty":
                shown = Difficulty(old).label if old is not None else "non abordé"
            else:
                typed, old = (typed or "").strip(), old or ""
                shown = old
            if typed != old:
                changes.append({"label": f"{domain_label} — {label}", "saved": _display(shown)})
    return changes


class ValidateWithPersonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    validated_on = forms.DateField(label="Date de la validation", widget=_date_widget())

    def clean_validated_on(self):
        value = self.cleaned_data["validated_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("La date de validation ne peut pas être dans le futur.")
        return value
