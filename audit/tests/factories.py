"""One factory per review-round model; a round's items and reminders belong to a round made for them."""

from __future__ import annotations

import datetime

import factory

from audit.models import CLEAN, ReviewRound, RoundItem, RoundReminder
from tests.factories import UserFactory, unit


class ReviewRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewRound

    name = factory.Sequence(lambda n: f"รอบทดสอบ {n}")
    as_of = datetime.date(2025, 10, 1)
    deadline = datetime.date(2025, 10, 31)
    opened_by = factory.SubFactory(UserFactory)


class RoundItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundItem

    round = factory.SubFactory(ReviewRoundFactory)
    account = factory.SubFactory(UserFactory)
    unit = factory.SelfAttribute("account.registered_unit")
    code = CLEAN


class RoundReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundReminder

    round = factory.SubFactory(ReviewRoundFactory)
    unit = factory.LazyFunction(lambda: unit("4701"))
    kind = "overdue"
    sent_on = factory.Sequence(lambda n: datetime.date(2025, 11, 1) + datetime.timedelta(days=n))
    recipients = 2
