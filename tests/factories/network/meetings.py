"""Factories of the coordination wing's partner meetings and professional threads."""

from __future__ import annotations

import factory
from django.utils import timezone

from relais.network.coordination.meeting_models import MeetingAction, PartnerMeeting
from relais.network.coordination.thread_models import Thread, ThreadMessage
from tests.factories.accounts import OrganisationFactory, UserFactory
from tests.factories.people import PersonFactory


class PartnerMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerMeeting

    organisation = factory.SubFactory(OrganisationFactory)
    title = "Comité technique PLIE"
    held_on = factory.LazyFunction(timezone.localdate)
    created_by = factory.SubFactory(UserFactory)


class MeetingActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAction

    meeting = factory.SubFactory(PartnerMeetingFactory)
    text = "Envoyer le calendrier des permanences"
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(timezone.localdate)


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    person = factory.SubFactory(PersonFactory)
    subject = "Point logement"
    created_by = factory.SubFactory(UserFactory)
    last_message_at = factory.LazyFunction(timezone.now)


class ThreadMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThreadMessage

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SelfAttribute("thread.created_by")
    author_organisation = factory.SelfAttribute("thread.person.organisation")
    body = "Le dossier FSL est parti."
