"""Every form that creates something is handled once per submission.

The form carries a random token (`{% submission_field %}`); `once_per_submission` runs the view
in one transaction that first claims the token. A double click, a browser resending the form
or a second tab sending the same page waits for the first request, then is sent where the
first one led (the new record), instead of creating a copy. A submission that did not succeed
(the form shown again with its errors) releases its token, so that the corrected form can be
sent. The intake and note forms check their token against the created object itself
(`relais.core.submissions.submit_once`), because they also check for duplicates first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from relais.core.submissions import claim

ALREADY_DONE = "Ce formulaire avait déjà été envoyé : il n'a été enregistré qu'une fois."


def _success_location(response: HttpResponse) -> str:
    if response.status_code in (301, 302, 303) and response.get("Location"):
        return response["Location"]
    return response.get("HX-Redirect", "") if 200 <= response.status_code < 300 else ""


def once_per_submission(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = request.POST.get("submission", "") if request.method == "POST" else ""
        actor = request.user if request.user.is_authenticated else None
        if not token or actor is None:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            claimed, first_location = claim(token=token, actor=actor)
            if claimed is None and first_location:
                messages.info(request, ALREADY_DONE)
                return redirect(first_location)
            response = view(request, *args, **kwargs)
            if claimed is not None:
                location = _success_location(response)
                if location:
                    claimed.location = location[:500]
                    claimed.save(update_fields=["location"])
                else:
                    claimed.delete()
        return response

    wrapper.once_per_submission = True  # read by tests/security/test_submissions.py
    return wrapper
