"""The public verification of a certificate: anyone holding a certificate's number sees what
the certificate states (holder, title, date) and nothing else. Looked up by the full number
only; a wrong number answers « introuvable »; each address is limited to a few lookups per
minute, so numbers cannot be tried in bulk."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from relais.certification import awards
from relais.certification.models import Enrolment
from relais.core import journal
from relais.core.models import JournalAction
from relais.web.certification import forms


def _over_limit(request: HttpRequest) -> bool:
    limit = getattr(settings, "RELAIS_CERTIFICATE_LOOKUPS_PER_MINUTE", 10)
    key = f"certification-verify:{journal.client_ip(request) or 'inconnue'}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=60)
        count = 1
    return count > limit


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    form = forms.VerifyForm(request.GET or None)
    context = {"form": form, "certificate": None, "not_found": False}
    status = 200
    if request.GET and form.is_valid():
        if _over_limit(request):
            context["throttled"] = True
            return render(request, "certification/verify.html", context, status=429)
        certificate = awards.find_certificate(form.cleaned_data["numero"])
        if certificate is None:
            context["not_found"] = True
            status = 404
        else:
            context["certificate"] = certificate
            journal.record_request(
                request,
                JournalAction.VIEW,
                target_type="certification.certificate",
                target_id=certificate.pk,
                organisation=Enrolment.objects.filter(pk=certificate.enrolment_id)
                .values_list("organisation_id", flat=True)
                .first(),
                summary="vérification publique du certificat",
            )
    return render(request, "certification/verify.html", context, status=status)
