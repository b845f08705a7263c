"""A member's own diversity declaration: opt-in with consent, "prefer not to say" throughout,
withdrawn by deleting it, and never shown one person at a time to anyone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from panels import services
from panels.forms import CONSENT_TEXT
from panels.models import DiversityDeclaration, PanelMembership
from tests.panels.support import client_for, content, role_client, seat, text_of
from tests.world import World

pytestmark = pytest.mark.django_db

FULL_ANSWERS = {
    "age_band": "65_plus",
    "sex": "female",
    "ethnic_group": "black",
    "disability": "yes",
    "religion": "sikh",
    "sexual_orientation": "bisexual",
}
# How those answers read on a page.
FULL_LABELS = (
    "65 or over",
    "Female",
    "Black, Black British, Caribbean or African",
    "Sikh",
    "Bisexual",
)


def declaration_url(world: World) -> str:
    return reverse("panels:declaration", kwargs={"code": world.a1.code})


def withdraw_url(world: World) -> str:
    return reverse("panels:declaration_withdraw", kwargs={"code": world.a1.code})


def own_seat(world: World, role: str = "panel_member") -> PanelMembership:
    return world.panel_a1.memberships.get(user=world.users[role])


def declare(membership: PanelMembership, **answers: str) -> DiversityDeclaration:
    return services.save_declaration(
        acting_user=membership.user, membership=membership, answers=answers
    )


# Opting in ------------------------------------------------------------------------------------


def test_the_page_asks_for_consent_and_offers_prefer_not_to_say_everywhere(world: World) -> None:
    response = role_client(world, "panel_member").get(declaration_url(world))
    html = response.content.decode()
    page = text_of(html)
    assert "This is optional." in page
    assert " ".join(CONSENT_TEXT.split()) in page
    for field in FULL_ANSWERS:
        assert re.search(
            rf'<input[^>]*name="{field}"[^>]*value="prefer_not_to_say"[^>]*checked', html
        ), field
    assert html.count('value="prefer_not_to_say"') == len(FULL_ANSWERS)
    assert 'name="consent"' in html and not re.search(r'name="consent"[^>]*checked', html)
    assert not DiversityDeclaration.objects.exists()


def test_nothing_is_kept_without_consent(world: World) -> None:
    client = role_client(world, "panel_member")
    response = client.post(declaration_url(world), FULL_ANSWERS)
    assert response.status_code == 200
    assert "Tick the box to agree, or leave this page to not declare" in content(response)
    assert not DiversityDeclaration.objects.exists()


def test_a_member_declares_with_consent(world: World) -> None:
    client = role_client(world, "panel_member")
    response = client.post(declaration_url(world), {**FULL_ANSWERS, "consent": "on"}, follow=True)
    assert response.redirect_chain == [
        (reverse("panels:panel_detail", kwargs={"code": world.a1.code}), 302)
    ]
    assert "Your answers are saved and only ever counted with others'." in content(response)
    declaration = DiversityDeclaration.objects.get(membership=own_seat(world))
    assert {f: getattr(declaration, f) for f in FULL_ANSWERS} == FULL_ANSWERS
    assert timezone.now() - declaration.consent_given_at < dt.timedelta(minutes=1)


def test_every_answer_may_be_prefer_not_to_say(world: World) -> None:
    client = role_client(world, "panel_chair")
    answers = dict.fromkeys(FULL_ANSWERS, "prefer_not_to_say")
    client.post(declaration_url(world), {**answers, "consent": "on"})
    declaration = DiversityDeclaration.objects.get(membership=own_seat(world, "panel_chair"))
    assert {getattr(declaration, f) for f in FULL_ANSWERS} == {"prefer_not_to_say"}
    # Through the service, a question left out is "prefer not to say" too.
    member = declare(own_seat(world), sex="male")
    assert (member.sex, member.ethnic_group) == ("male", "prefer_not_to_say")


def test_the_member_is_not_shown_their_own_answers_again(world: World) -> None:
    declare(own_seat(world), **FULL_ANSWERS)
    html = role_client(world, "panel_member").get(declaration_url(world)).content.decode()
    today = timezone.localdate()
    assert f"You gave answers on {today.day} {today:%B %Y}. They are not shown here." in text_of(
        html
    )
    for field, value in FULL_ANSWERS.items():
        assert not re.search(rf'name="{field}"[^>]*value="{value}"[^>]*checked', html), field


def test_saving_again_replaces_the_declaration(world: World) -> None:
    client = role_client(world, "panel_member")
    client.post(declaration_url(world), {**FULL_ANSWERS, "consent": "on"})
    client.post(declaration_url(world), {**FULL_ANSWERS, "sex": "male", "consent": "on"})
    assert list(DiversityDeclaration.objects.values_list("sex", flat=True)) == ["male"]


def test_only_the_member_makes_their_own_declaration(world: World) -> None:
    with pytest.raises(ValidationError, match=r"Only members make their own declaration\."):
        services.save_declaration(
            acting_user=world.users["panel_chair"], membership=own_seat(world), answers={}
        )
    for role in ("admin", "sergeant", "borough_manager"):
        client = role_client(world, role)
        assert client.get(declaration_url(world)).status_code == 403, role
        assert client.post(declaration_url(world), {"consent": "on"}).status_code == 403, role
    assert not DiversityDeclaration.objects.exists()


def test_a_member_whose_term_has_ended_cannot_declare_again(world: World) -> None:
    membership = own_seat(world)
    declare(membership, **FULL_ANSWERS)
    # The term ends today: it is still their last day, but their answers are gone for good.
    services.end_membership(acting_user=None, membership=membership, term_end=timezone.localdate())
    assert not DiversityDeclaration.objects.exists()
    with pytest.raises(ValidationError, match="Only current members"):
        declare(membership, **FULL_ANSWERS)
    client = role_client(world, "panel_member")
    assert client.post(declaration_url(world), {**FULL_ANSWERS, "consent": "on"}).status_code == 403
    panel = content(client.get(reverse("panels:panel_detail", kwargs={"code": world.a1.code})))
    assert "tell us about yourself" not in panel
    assert not DiversityDeclaration.objects.exists()


# Withdrawing ----------------------------------------------------------------------------------


def test_withdrawing_deletes_the_declaration(world: World) -> None:
    declare(own_seat(world), **FULL_ANSWERS)
    declare(own_seat(world, "panel_chair"), sex="male")
    client = role_client(world, "panel_member")
    confirm = content(client.get(withdraw_url(world)))
    assert "Withdraw your answers?" in confirm
    response = client.post(withdraw_url(world), follow=True)
    assert "Your declaration is withdrawn and deleted." in content(response)
    # The member's row is gone and nothing else of it is kept; the chair's is untouched.
    assert list(
        DiversityDeclaration.objects.values_list("membership__user__username", flat=True)
    ) == ["panel_chair"]
    names = [model._meta.model_name or "" for model in apps.get_models()]
    assert [name for name in names if "diversitydeclaration" in name] == ["diversitydeclaration"]
    assert "You have no answers to withdraw" in content(client.get(withdraw_url(world)))


def test_only_the_member_withdraws_their_declaration(world: World) -> None:
    declare(own_seat(world), **FULL_ANSWERS)
    with pytest.raises(ValidationError, match=r"Only members withdraw their own declaration\."):
        services.withdraw_declaration(
            acting_user=world.users["panel_chair"], membership=own_seat(world)
        )
    # The chair's withdraw page is about the chair's own (absent) answers.
    chair = role_client(world, "panel_chair").post(withdraw_url(world), follow=True)
    assert "You had no answers to withdraw." in content(chair)
    assert "withdrawn and deleted" not in content(chair)
    assert role_client(world, "admin").post(withdraw_url(world)).status_code == 403
    assert DiversityDeclaration.objects.count() == 1


# Never shown one by one -----------------------------------------------------------------------


def figures(html: str) -> dict[str, list[tuple[str, str]]]:
    """The diversity sections of a page: {characteristic: [(answer, shown figure), ...]}."""
    sections = re.findall(
        r'<span class="govuk-details__summary-text">([^<]+)</span>.*?'
        r'<div class="govuk-details__text">(.*?)</div>',
        html,
        flags=re.S,
    )
    out = {}
    for label, body in sections:
        rows = re.findall(r"<th[^>]*>([^<]+)</th><td[^>]*>(.*?)</td>", body, flags=re.S)
        out[label.strip()] = [(answer.strip(), text_of(value)) for answer, value in rows]
    return out


def comparisons(html: str) -> list[str]:
    table = html.split("Compared with the", 1)[1].split("</table>", 1)[0]
    return [
        text_of(cell)
        for cell in re.findall(r'<td class="govuk-table__cell[^"]*">(.*?)</td>', table)
    ][::2]


def declare_many(world: World, n: int, **answers: str) -> None:
    for i in range(n):
        declare(seat(world.panel_a1, name=f"Member {i}"), **answers)


def pages(world: World) -> dict[str, str]:
    panel = reverse("panels:panel_detail", kwargs={"code": world.a1.code})
    borough = reverse("panels:borough_panels", kwargs={"code": world.a1.borough.code})
    out = {}
    for role in ("panel_member", "panel_chair", "sergeant", "borough_manager", "admin"):
        client = role_client(world, role)
        out[f"panel page as {role}"] = client.get(panel).content.decode()
        out[f"borough page as {role}"] = client.get(borough).content.decode()
    return out


def test_no_page_shows_a_members_answers_when_few_have_declared(world: World) -> None:
    declare(own_seat(world), **FULL_ANSWERS)
    declare(own_seat(world, "panel_chair"), **{**FULL_ANSWERS, "sex": "male", "religion": "none"})
    declare_many(world, 3, age_band="25_34", ethnic_group="white")
    for name, html in pages(world).items():
        shown = figures(html)
        assert set(shown) == {
            "Age", "Sex", "Ethnic group", "Disability", "Religion or belief", "Sexual orientation"
        }, name  # fmt: skip
        for label, rows in shown.items():
            # Every answer listed, none counted.
            assert rows and {figure for _, figure in rows} == {"withheld"}, (name, label, rows)
        assert comparisons(html) == ["withheld", "withheld"], name
        assert "have answered: 5" in text_of(html), name


def test_an_answer_ten_people_share_is_shown_and_the_rest_withheld(world: World) -> None:
    declare_many(world, 10, sex="female")
    declare_many(world, 2, sex="male")
    for name, html in pages(world).items():
        sex = dict(figures(html)["Sex"])
        assert sex == {"Female": "10", "Male": "withheld", "Prefer not to say": "withheld"}, name
        assert set(dict(figures(html)["Age"]).values()) == {"withheld"}, name


def test_a_declaration_is_never_in_the_admin(world: World) -> None:
    client: Client = client_for(world.users["admin"])
    declare(own_seat(world), **FULL_ANSWERS)
    index = content(client.get(reverse("admin:index")))
    assert "Diversity declaration" not in index
    membership = own_seat(world)
    response = client.get(reverse("admin:panels_panelmembership_change", args=[membership.pk]))
    assert response.status_code == 200
    page = content(response)
    for label in FULL_LABELS:
        assert label not in page, label
