"""Small helpers shared by the web forms: a date field, showing a service's refusal on the
form, and keeping the user's input after an optimistic-locking conflict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django import forms

from relais.core.errors import DomainError, StaleObjectError

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
INVALID_DATE = (
    "Cette date n'existe pas ou n'est pas lisible : vérifiez le jour, le mois et l'année "
    "(format JJ/MM/AAAA)."
)


class UserChoiceField(forms.ModelChoiceField):
    """A professional chosen in a list, shown by name (or e-mail when the name is empty)."""

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.email


def date_field(
    label: str, *, required_message: str | None = "Indiquez la date.", **kwargs
) -> forms.DateField:
    """A date typed in the browser's date picker or as JJ/MM/AAAA, with French errors.
    `required_message=None`: Django's own « Ce champ est obligatoire »."""
    messages = {"invalid": INVALID_DATE}
    if required_message:
        messages["required"] = required_message
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=messages,
        **kwargs,
    )


def apply_domain_error(
    form: forms.Form, error: DomainError, aliases: dict[str, str] | None = None
) -> None:
    """Put a DomainError next to its field when the form has it, above the form otherwise.
    `aliases` maps a service's field name to the form's when they differ. An error that
    carries several (`errors`: a list of (field, message)) puts each one in its place."""
    for name, message in getattr(error, "errors", None) or [(error.field, error.message)]:
        field = (aliases or {}).get(name or "", name)
        form.add_error(field if field in form.fields else None, message)


def apply_rule(form: forms.Form, check: Callable[..., None], *values: Any) -> None:
    """In a form's clean(): run one rule of the domain (a check that raises DomainError,
    the same function the service applies) on the cleaned values, and put its error on its
    field. So a form reports the service's rules together with its own errors, in one
    round. Skipped when a value is missing (its field is empty or already in error), and
    an error on a field already in error is not added twice."""
    if any(value is None for value in values):
        return
    try:
        check(*values)
    except DomainError as error:
        if (error.field or None) not in form.errors:
            apply_domain_error(form, error)


def keep_input_with_version(form: forms.Form, version: int) -> None:
    """After a stale save: keep what the user typed, but carry the current version so that
    saving again (after checking) goes through."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(version)
    form.data = data


class Saved(NamedTuple):
    ok: bool
    result: Any = None
    stale: Any = None  # after a StaleObjectError: the record as saved by the colleague


def save_form(
    form: forms.Form,
    save: Callable[[], Any],
    *,
    reload: Callable[[], Any] | None = None,
) -> Saved:
    """Call `save` (a service call). A DomainError is shown on the form. On a
    StaleObjectError, `reload` fetches the current record: the form keeps the user's
    input with the current version, and the record is returned as `stale`."""
    try:
        return Saved(True, save())
    except StaleObjectError as error:
        stale = reload() if reload is not None else None
        if stale is not None:
            keep_input_with_version(form, stale.version)
        apply_domain_error(form, error)
        return Saved(False, stale=stale)
    except DomainError as error:
        apply_domain_error(form, error)
        return Saved(False)


class SubmissionField(forms.CharField):
    """The hidden token that makes a create form save once (relais.core.submissions): give
    it `new_token()` as initial value when the empty form is shown; a form shown again with
    errors keeps the token it was posted with."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, max_length=64, **kwargs)
