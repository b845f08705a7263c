"""The demo seeds write in bulk; every audited record they write still gets its history rows,
marked ``seed_demo``, and the timestamps they backdate afterwards are in the trail too."""

from __future__ import annotations

import pytest
from django.utils import timezone

from engagement.demo import seed_engagement
from engagement.models import Kin
from epic.demo import seed_epic
from epic.models import Activity
from panels.demo import seed_panels
from priorities.demo import seed_priorities
from priorities.models import Review
from tests.epic.test_epic_demo import small_london
from tests.factories import ClusterFactory

pytestmark = pytest.mark.django_db


def test_seeded_records_each_have_their_history() -> None:
    today = timezone.localdate()
    for ward in small_london(4, today):
        ward.cluster = ClusterFactory.create(borough=ward.borough)
        ward.save()
    seed_engagement(today=today)
    seed_epic(today=today)
    seed_panels(today=today)
    seed_priorities(today=today)

    for model in (Kin, Activity, Review):
        live = dict(model.objects.values_list("pk", "created_at" if model is Kin else "pk"))
        assert live, f"the demo seeded no {model.__name__}"
        history = model.history.filter(history_change_reason="seed_demo")
        created = set(history.filter(history_type="+").values_list("id", flat=True))
        assert created == set(live), model.__name__
    # Backdated after the bulk insert: the trail's latest version has the backdated value.
    for kin in Kin.objects.all():
        assert kin.history.latest().created_at == kin.created_at
    for review in Review.objects.all():
        assert review.history.latest().recorded_at == review.recorded_at
