"""E-mails leave through tasks: a failing mail server never fails the user's action, each
failed attempt is retried, and the failure is visible to administrators."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from relais.core.mail import queue_email
from relais.network.referrals.models import Referral
from relais.notifications.models import Notification
from tests.helpers import login_verified, run_task_worker
from tests.network.referrals.support import make_scenario
from tests.web.referrals.test_referral_views import create_url, send_data

pytestmark = pytest.mark.django_db

FAILING = "tests.helpers.FailingEmailBackend"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    run_task_worker()


def test_one_message_per_address_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(
            subject="Objet", body="Texte", to=["b@exemple.fr", "a@exemple.fr", "a@exemple.fr"]
        )
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["a@exemple.fr"], ["b@exemple.fr"]]


def test_a_failing_mail_server_does_not_fail_the_sender(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(subject="Objet", body="Texte", to=["a@exemple.fr"])  # no exception


class TestWithTheWorker:
    """The database backend and its worker, as in production (`manage.py db_worker`)."""

    @pytest.fixture(autouse=True)
    def _database_tasks(self, settings):
        settings.TASKS = DATABASE_TASKS
        settings.RELAIS_EMAIL_RETRY_DELAYS = (0, 0)

    def test_queued_then_sent_by_the_worker(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            queue_email(subject="Objet", body="Texte", to=["a@exemple.fr"])
        assert mail.outbox == []  # queued, not sent by the request
        run_worker()
        assert [m.subject for m in mail.outbox] == ["Objet"]
        assert DBTaskResult.objects.get().status == "SUCCESSFUL"

    def test_failed_attempts_are_retried_then_shown_as_failed(
        self, settings, django_capture_on_commit_callbacks
    ):
        settings.EMAIL_BACKEND = FAILING
        with django_capture_on_commit_callbacks(execute=True):
            queue_email(subject="Objet", body="Texte", to=["a@exemple.fr"])
        run_worker()
        attempts = DBTaskResult.objects.order_by("enqueued_at")
        assert [r.status for r in attempts] == ["FAILED", "FAILED", "FAILED"]  # 1 + 2 retries
        assert [r.args_kwargs["kwargs"].get("attempt", 1) for r in attempts] == [1, 2, 3]
        assert "ConnectionRefusedError" in attempts[0].traceback

    def test_a_retry_succeeds_when_the_server_is_back(
        self, settings, django_capture_on_commit_callbacks
    ):
        settings.EMAIL_BACKEND = FAILING
        with django_capture_on_commit_callbacks(execute=True):
            queue_email(subject="Objet", body="Texte", to=["a@exemple.fr"])
        run_task_worker(max_tasks=1)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        run_worker()
        assert [r.status for r in DBTaskResult.objects.order_by("enqueued_at")] == [
            "FAILED",
            "SUCCESSFUL",
        ]
        assert len(mail.outbox) == 1

    def test_sending_a_referral_succeeds_while_the_mail_server_is_down(
        self, settings, client, django_capture_on_commit_callbacks, platform_admin
    ):
        settings.EMAIL_BACKEND = FAILING
        sc = make_scenario()
        login_verified(client, sc.referent)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(create_url(sc), send_data(sc))
        referral = Referral.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/orientations/{referral.pk}/"
        assert Notification.objects.filter(organisation=sc.receiver_org).exists()
        # The notice task finds the recipients and queues one message each (after its own
        # commit: the worker runs each task outside any transaction), then they fail.
        with django_capture_on_commit_callbacks(execute=True):
            run_worker()
        run_worker()
        failed = DBTaskResult.objects.filter(
            status="FAILED", task_path="relais.core.mail.send_email"
        )
        assert failed.exists()
        # Platform administrators see the failed e-mails in the administration.
        login_verified(client, platform_admin)
        page = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
        assert page.status_code == 200
        assert "send_email" in page.content.decode()
