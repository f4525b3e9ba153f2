from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from relais.web.pathways import caseload


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The caseload (file active) for référents and managers, a person search for the
    reception staff."""
    if request.organisation is None:
        return render(request, "web/no_organisation.html", status=403)
    return caseload.home(request)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")
