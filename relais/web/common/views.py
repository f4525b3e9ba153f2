from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.organisation is None:
        return render(request, "web/no_organisation.html", status=403)
    return render(request, "web/home.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")
