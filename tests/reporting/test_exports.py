"""Exports: one job per identical request, the files, the missing funder fields listed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import AccessLogEntry
from relais.reporting import services
from relais.reporting.filters import Scope
from relais.reporting.models import ExportStatus, ReportExport
from tests.factories.reporting import period

pytestmark = pytest.mark.django_db


def run(membership, kind, scope=Scope.ORGANISATION, capture=None, **filters):
    with capture(execute=True):
        export, _created = services.export_request(
            membership=membership, kind=kind, scope=scope, flt=period(**filters)
        )
    export.refresh_from_db()
    return export


def test_figures_xlsx(world, django_capture_on_commit_callbacks):
    export = run(world.manager, "figures_xlsx", capture=django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.DONE
    assert export.progress == 100
    sheet = load_workbook(io.BytesIO(bytes(export.content))).active
    texts = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "Personnes suivies" in texts
    assert "< 5" in texts  # the organisation's small counts stay hidden in the file


def test_figures_csv_of_the_caseload_shows_the_figures(world, django_capture_on_commit_callbacks):
    export = run(
        world.r1, "figures_csv", Scope.CASELOAD, capture=django_capture_on_commit_callbacks
    )
    text = bytes(export.content).decode("utf-8-sig")
    assert "Activité;Personnes suivies;Personnes suivies;Nombre;2" in text


def test_activity_pdf(world, django_capture_on_commit_callbacks):
    export = run(world.manager, "activity_pdf", capture=django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.DONE
    assert bytes(export.content).startswith(b"%PDF")


def test_participants_export_lists_missing_funder_fields(world, django_capture_on_commit_callbacks):
    p1, p2, p3, _p4, _p5 = world.persons
    type(p1).objects.filter(pk=p1.pk).update(sex="F", education_level="4", resources=["rsa"])
    type(p1).objects.filter(pk=p3.pk).update(sex="", education_level="", resources=[])
    export = run(
        world.manager,
        "participants_xlsx",
        capture=django_capture_on_commit_callbacks,
        scheme="rsa",
    )
    assert export.row_count == 2  # A (P1) and C (P3)
    book = load_workbook(io.BytesIO(bytes(export.content)))
    rows = list(book["Participants"].iter_rows(values_only=True))
    assert rows[0][:4] == ("N° de dossier", "Nom de naissance", "Nom d'usage", "Prénoms")
    assert {r[0] for r in rows[1:]} == {p1.pk, p3.pk}
    by_person = {m["person_id"]: m for m in export.missing}
    assert p1.pk not in by_person
    assert by_person[p3.pk]["fields"] == [
        "Sexe",
        "Niveau de formation",
        "Ressources à ce jour",
    ]
    gaps = list(book["Champs manquants"].iter_rows(values_only=True))
    assert gaps[1][1] == p3.pk
    assert p2.pk not in {r[0] for r in rows[1:]}  # PLIE, not RSA
    assert AccessLogEntry.objects.filter(action="export", target_id=str(export.pk)).exists()


def test_formula_cells_are_neutralised(world, django_capture_on_commit_callbacks):
    p1 = world.persons[0]
    type(p1).objects.filter(pk=p1.pk).update(birth_name="=HYPERLINK(1)")
    export = run(
        world.manager,
        "participants_csv",
        capture=django_capture_on_commit_callbacks,
        scheme="rsa",
    )
    assert "'=HYPERLINK(1)" in bytes(export.content).decode("utf-8-sig")


def test_an_export_asked_twice_while_it_runs_is_one_job(world):
    first, created = services.export_request(
        membership=world.manager, kind="figures_xlsx", scope=Scope.ORGANISATION, flt=period()
    )
    again, created_again = services.export_request(
        membership=world.manager, kind="figures_xlsx", scope=Scope.ORGANISATION, flt=period()
    )
    assert created and not created_again
    assert first.pk == again.pk
    assert ReportExport.objects.count() == 1
    other, created_other = services.export_request(
        membership=world.manager, kind="figures_csv", scope=Scope.ORGANISATION, flt=period()
    )
    assert created_other and other.pk != first.pk


def test_a_finished_export_can_be_asked_again(world, django_capture_on_commit_callbacks):
    first = run(world.manager, "figures_csv", capture=django_capture_on_commit_callbacks)
    second = run(world.manager, "figures_csv", capture=django_capture_on_commit_callbacks)
    assert first.pk != second.pk


def test_participants_export_is_for_managers_and_needs_a_scheme(world):
    with pytest.raises(PermissionDenied):
        services.export_request(
            membership=world.r1,
            kind="participants_xlsx",
            scope=Scope.CASELOAD,
            flt=period(scheme="rsa"),
        )
    with pytest.raises(DomainError, match="dispositif"):
        services.export_request(
            membership=world.manager,
            kind="participants_xlsx",
            scope=Scope.ORGANISATION,
            flt=period(),
        )


def test_unknown_kind_and_foreign_referent_are_refused(world):
    from tests.factories import MembershipFactory

    with pytest.raises(DomainError):
        services.export_request(
            membership=world.manager, kind="nope", scope=Scope.ORGANISATION, flt=period()
        )
    stranger = MembershipFactory(role="referent").user
    with pytest.raises(PermissionDenied):
        services.export_request(
            membership=world.manager,
            kind="figures_csv",
            scope=Scope.ORGANISATION,
            flt=period(referent_id=stranger.pk),
        )


def test_a_failing_export_is_marked_failed(world, django_capture_on_commit_callbacks, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(services.exports, "figures_csv", boom)
    export = run(world.manager, "figures_csv", capture=django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.FAILED
    assert "échoué" in export.error


def test_period_is_kept_in_the_job(world):
    export, _ = services.export_request(
        membership=world.manager, kind="figures_csv", scope=Scope.ORGANISATION, flt=period()
    )
    assert services.filter_from(export.params).start == dt.date(2026, 1, 1)


@pytest.mark.parametrize("kind", ["figures_csv", "figures_xlsx", "activity_pdf"])
def test_figures_of_fewer_than_five_persons_are_not_exported(
    world, kind, django_capture_on_commit_callbacks
):
    export = run(
        world.manager, kind, capture=django_capture_on_commit_callbacks, commune_code="59350"
    )
    assert export.status == ExportStatus.DONE
    content = bytes(export.content)
    if kind == "figures_csv":
        text = content.decode("utf-8-sig")
        assert "Moins de 5 personnes correspondent à ces filtres" in text
        assert "Personnes suivies" not in text
    elif kind == "figures_xlsx":
        sheet = load_workbook(io.BytesIO(content)).active
        texts = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
        assert any(str(t).startswith("Moins de 5 personnes") for t in texts)
        assert "Personnes suivies" not in texts
    else:
        assert content.startswith(b"%PDF")


def test_exports_older_than_seven_days_are_deleted(world, django_capture_on_commit_callbacks):
    from django.core.management import call_command
    from django.utils import timezone

    old = run(
        world.manager, "participants_csv", capture=django_capture_on_commit_callbacks, scheme="rsa"
    )
    recent = run(world.manager, "figures_csv", capture=django_capture_on_commit_callbacks)
    ReportExport.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    ReportExport.objects.filter(pk=recent.pk).update(
        created_at=timezone.now() - dt.timedelta(days=6)
    )
    call_command("reporting_purge_exports")
    assert not ReportExport.objects.filter(pk=old.pk).exists()
    assert ReportExport.objects.filter(pk=recent.pk).exists()
    assert services.exports_purge() == 0  # idempotent


def test_erasing_a_person_deletes_the_participants_exports_of_the_organisation(
    world, django_capture_on_commit_callbacks
):
    from relais.records.erasure import person_erase
    from relais.records.models import ErasureCause
    from tests.factories import MembershipFactory

    participants = run(
        world.manager, "participants_xlsx", capture=django_capture_on_commit_callbacks, scheme="rsa"
    )
    assert participants.status == ExportStatus.DONE
    figures = run(world.manager, "figures_csv", capture=django_capture_on_commit_callbacks)
    elsewhere = run(
        MembershipFactory(role="manager"),
        "participants_csv",
        capture=django_capture_on_commit_callbacks,
        scheme="rsa",
    )
    person_erase(person=world.persons[0], actor=world.manager.user, cause=ErasureCause.RETENTION)
    assert not ReportExport.objects.filter(pk=participants.pk).exists()
    # Aggregates only: kept until they expire; another organisation's: untouched.
    assert ReportExport.objects.filter(pk=figures.pk).exists()
    assert ReportExport.objects.filter(pk=elsewhere.pk).exists()


def test_figures_of_part_of_a_month_are_refused_when_asked(world):
    from relais.reporting.filters import ReportFilter

    half = ReportFilter(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 15))
    with pytest.raises(DomainError, match="mois entiers"):
        services.export_request(
            membership=world.manager, kind="figures_csv", scope=Scope.ORGANISATION, flt=half
        )
    # The référent's own caseload takes any dates.
    _export, created = services.export_request(
        membership=world.r1, kind="figures_csv", scope=Scope.CASELOAD, flt=half
    )
    assert created
