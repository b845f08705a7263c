"""Seating members on a panel, changing their position, ending their term, and who may see
whom: through the services and through the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from panels import services
from panels.models import DiversityDeclaration, PanelMembership
from tests.factories import PanelFactory, UserFactory, WardFactory
from tests.panels.support import client_for, content, date_fields, role_client, seat
from tests.world import World

pytestmark = pytest.mark.django_db

Position = PanelMembership.Position


def add_url(world: World) -> str:
    return reverse("panels:membership_create", kwargs={"code": world.a1.code})


def panel_url(world: World) -> str:
    return reverse("panels:panel_detail", kwargs={"code": world.a1.code})


def member_form(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Grace Okafor",
        "email": "grace.okafor@example.org",
        "position": "member",
        "partner": "",
        **date_fields("term_start", timezone.localdate()),
    }
    data.update(overrides)
    return data


def chair_of(world: World) -> PanelMembership:
    return world.panel_a1.memberships.get(position=Position.CHAIR)


# Adding ----------------------------------------------------------------------------------------


def test_adding_an_existing_person_seats_them_and_records_who_did_it(world: World) -> None:
    chair = world.users["panel_chair"]
    person = UserFactory.create(first_name="Tom", last_name="Reed")
    membership, created = services.add_member(
        acting_user=chair,
        panel=world.panel_a1,
        person=person,
        position=Position.SECRETARY,
        term_start=timezone.localdate(),
    )
    assert created is False
    assert (membership.user, membership.position, membership.term_end) == (
        person,
        "secretary",
        None,
    )
    assert membership.history.get().history_user == chair


def test_adding_by_name_and_email_creates_an_account_that_cannot_sign_in(world: World) -> None:
    membership, created = services.add_member(
        acting_user=None,
        panel=world.panel_a1,
        full_name="  Grace   Okafor ",
        email="Grace.Okafor@example.org",
        term_start=timezone.localdate(),
    )
    person = membership.user
    assert created is True
    assert (person.first_name, person.last_name, person.username) == (
        "Grace",
        "Okafor",
        "grace.okafor",
    )
    assert not person.has_usable_password()
    # The same address again finds the same person (on another panel).
    again, created_again = services.add_member(
        acting_user=None,
        panel=world.panel_b1,
        full_name="grace okafor",
        email="grace.okafor@EXAMPLE.org",
        term_start=timezone.localdate(),
    )
    assert (again.user, created_again) == (person, False)


def test_a_partner_representative_names_their_organisation(world: World) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.add_member(
            acting_user=None,
            panel=world.panel_a1,
            person=UserFactory.create(),
            position=Position.PARTNER,
            term_start=today,
        )
    assert refused.value.message_dict == {
        "partner": ["Select the organisation the partner represents."]
    }
    council, _ = services.add_member(
        acting_user=None,
        panel=world.panel_a1,
        person=UserFactory.create(),
        position=Position.PARTNER,
        partner=PanelMembership.Partner.COUNCIL,
        term_start=today,
    )
    assert council.get_partner_display() == "Council"
    # An organisation given for anyone else is dropped, not stored.
    resident, _ = services.add_member(
        acting_user=None,
        panel=world.panel_a1,
        person=UserFactory.create(),
        partner=PanelMembership.Partner.SCHOOL,
        term_start=today,
    )
    assert resident.partner == ""


def test_a_second_chair_is_refused_naming_the_chair(world: World) -> None:
    chair = chair_of(world).user
    before = PanelMembership.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.add_member(
            acting_user=None,
            panel=world.panel_a1,
            person=UserFactory.create(),
            position=Position.CHAIR,
            term_start=timezone.localdate(),
        )
    assert refused.value.message_dict == {
        "position": [
            f"{chair.display_name} is the chair: change their position or end their term first."
        ]
    }
    assert PanelMembership.objects.count() == before


def test_bad_terms_and_repeat_seats_are_refused(world: World) -> None:
    person = UserFactory.create()
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="more than a year ahead"):
        services.add_member(
            acting_user=None,
            panel=world.panel_a1,
            person=person,
            term_start=today + dt.timedelta(days=400),
        )
    services.add_member(acting_user=None, panel=world.panel_a1, person=person, term_start=today)
    with pytest.raises(ValidationError, match="already sits on this panel"):
        services.add_member(acting_user=None, panel=world.panel_a1, person=person, term_start=today)
    assert PanelMembership.objects.filter(user=person).count() == 1


def test_an_email_that_belongs_to_someone_else_is_refused(world: World) -> None:
    UserFactory.create(first_name="Ann", last_name="Lee", email="ann@example.org")
    with pytest.raises(ValidationError) as refused:
        services.add_member(
            acting_user=None,
            panel=world.panel_a1,
            full_name="Bob Jones",
            email="ann@example.org",
            term_start=timezone.localdate(),
        )
    assert refused.value.message_dict == {
        "email": ["ann@example.org belongs to Ann Lee, not Bob Jones."]
    }


def test_the_chair_adds_a_member_on_the_page(world: World) -> None:
    client = role_client(world, "panel_chair")
    response = client.post(add_url(world), member_form(), follow=True)
    assert response.redirect_chain == [(panel_url(world), 302)]
    page = content(response)
    assert "Grace Okafor is on the panel as member." in page
    assert "A new account was created for them without a password" in page
    # The members table lists her.
    assert "Grace Okafor Member since" in page


def test_the_page_adds_a_partner_representative(world: World) -> None:
    client = role_client(world, "sergeant")
    response = client.post(
        add_url(world),
        member_form(position="partner", partner="housing", full_name="Housing Officer"),
        follow=True,
    )
    assert "Housing Officer Partner representative: Housing provider" in content(response)


def test_the_form_shows_the_refusals(world: World) -> None:
    client = role_client(world, "panel_chair")
    chair = chair_of(world).user.display_name
    before = PanelMembership.objects.count()

    second_chair = client.post(add_url(world), member_form(position="chair"))
    assert second_chair.status_code == 200
    assert f"{chair} is the chair: change their position or end their term first." in content(
        second_chair
    )

    too_late = timezone.localdate() + dt.timedelta(days=400)
    late = client.post(add_url(world), member_form(**date_fields("term_start", too_late)))
    assert late.status_code == 200
    assert "A term cannot start more than a year ahead." in content(late)

    no_date = client.post(add_url(world), member_form(term_start_0="31", term_start_1="2"))
    assert no_date.status_code == 200
    assert "There is a problem" in content(no_date)

    no_partner = client.post(add_url(world), member_form(position="partner"))
    assert "Select the organisation the partner represents" in content(no_partner)

    assert PanelMembership.objects.count() == before
    # What was typed is kept.
    assert 'value="grace.okafor@example.org"' in no_partner.content.decode()


def test_members_cannot_add_members(world: World) -> None:
    response = role_client(world, "panel_member").post(add_url(world), member_form())
    assert response.status_code == 403
    assert not PanelMembership.objects.filter(user__email="grace.okafor@example.org").exists()


# Changing position ----------------------------------------------------------------------------


def test_the_chair_is_handed_over_by_changing_positions(world: World) -> None:
    old = chair_of(world)
    new = world.panel_a1.memberships.get(user=world.users["panel_member"])
    with pytest.raises(ValidationError, match="is the chair"):
        services.change_position(acting_user=None, membership=new, position=Position.CHAIR)
    services.change_position(acting_user=None, membership=old, position=Position.VICE_CHAIR)
    services.change_position(
        acting_user=world.users["sergeant"], membership=new, position=Position.CHAIR
    )
    positions = dict(world.panel_a1.memberships.values_list("user__username", "position"))
    assert positions == {"panel_chair": "vice_chair", "panel_member": "chair"}
    assert new.history.latest().history_user == world.users["sergeant"]
    # The chair still counts as the chair when "changed" to chair again.
    new.refresh_from_db()
    services.change_position(acting_user=None, membership=new, position=Position.CHAIR)


def test_the_panel_becomes_police_led_with_a_police_chair(world: World) -> None:
    client = role_client(world, "panel_chair")
    url = reverse("panels:membership_edit", kwargs={"pk": chair_of(world).pk})
    response = client.post(url, {"position": "chair", "is_police": "on"}, follow=True)
    page = content(response)
    assert "Police-led" in page
    assert "(police officer)" in page


def test_the_position_page_shows_refusals(world: World) -> None:
    client = role_client(world, "panel_chair")
    member = world.panel_a1.memberships.get(user=world.users["panel_member"])
    url = reverse("panels:membership_edit", kwargs={"pk": member.pk})
    response = client.post(url, {"position": "chair"})
    assert response.status_code == 200
    assert "is the chair: change their position or end their term first." in content(response)
    response = client.post(url, {"position": "partner"})
    assert "Select the organisation the partner represents" in content(response)
    member.refresh_from_db()
    assert member.position == Position.MEMBER

    response = client.post(url, {"position": "partner", "partner": "school"}, follow=True)
    assert "position is saved" in content(response)
    member.refresh_from_db()
    assert (member.position, member.partner) == ("partner", "school")


def test_an_ended_term_cannot_change_position(world: World) -> None:
    member = world.panel_a1.memberships.get(user=world.users["panel_member"])
    services.end_membership(
        acting_user=None, membership=member, term_end=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="This term has ended"):
        services.change_position(acting_user=None, membership=member, position=Position.SECRETARY)


# Ending a term --------------------------------------------------------------------------------


def declare(membership: PanelMembership, **answers: str) -> DiversityDeclaration:
    return services.save_declaration(
        acting_user=membership.user, membership=membership, answers=answers
    )


def test_ending_a_term_deletes_that_members_declaration_and_keeps_the_history(
    world: World,
) -> None:
    leaving = seat(world.panel_a1, name="Lena Marsh")
    staying = seat(world.panel_a1, name="Sam Ortiz")
    declare(leaving, sex="female", ethnic_group="black")
    declare(staying, sex="male")
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    services.end_membership(
        acting_user=world.users["panel_chair"], membership=leaving, term_end=yesterday
    )

    assert not DiversityDeclaration.objects.filter(membership=leaving).exists()
    assert DiversityDeclaration.objects.filter(membership=staying).exists()
    leaving.refresh_from_db()
    assert leaving.term_end == yesterday  # the seat is kept, with its dates
    history = list(leaving.history.order_by("history_date"))
    assert [h.term_end for h in history] == [None, yesterday]
    assert history[-1].history_user == world.users["panel_chair"]

    # On the panel page she is a former member, no longer a current one.
    page = content(role_client(world, "panel_member").get(panel_url(world)))
    current, _, former = page.partition("Former members (1)")
    assert "Lena Marsh" not in current
    assert "Lena Marsh, member:" in former
    assert "Sam Ortiz" in current


def test_ending_a_term_is_checked(world: World) -> None:
    member = world.panel_a1.memberships.get(user=world.users["panel_member"])
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="once it has ended"):
        services.end_membership(
            acting_user=None, membership=member, term_end=today + dt.timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="cannot end before it started"):
        services.end_membership(
            acting_user=None, membership=member, term_end=member.term_start - dt.timedelta(days=1)
        )
    services.end_membership(acting_user=None, membership=member, term_end=today)
    with pytest.raises(ValidationError, match="This term already ended on"):
        services.end_membership(acting_user=None, membership=member, term_end=today)


def test_the_chair_ends_a_term_on_the_page(world: World) -> None:
    client = role_client(world, "panel_chair")
    member = world.panel_a1.memberships.get(user=world.users["panel_member"])
    url = reverse("panels:membership_end", kwargs={"pk": member.pk})
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused = client.post(url, date_fields("term_end", tomorrow))
    assert refused.status_code == 200
    assert "Record the end of a term once it has ended." in content(refused)

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(url, date_fields("term_end", yesterday), follow=True)
    assert response.redirect_chain == [(panel_url(world), 302)]
    assert "term has ended" in content(response)
    member.refresh_from_db()
    assert member.term_end == yesterday


def test_a_former_member_loses_the_panel(world: World) -> None:
    member = world.panel_a1.memberships.get(user=world.users["panel_member"])
    seat_holder = UserFactory.create()
    seat_only = seat(PanelFactory.create(ward=WardFactory.create()), user=seat_holder)
    client = client_for(seat_holder)
    own = reverse("panels:panel_detail", kwargs={"code": seat_only.panel.ward.code})
    assert client.get(own).status_code == 200
    services.end_membership(
        acting_user=None,
        membership=seat_only,
        term_end=timezone.localdate() - dt.timedelta(days=1),
    )
    assert client_for(seat_holder).get(own).status_code == 404
    assert member.term_end is None


# Who may see whom -----------------------------------------------------------------------------


def test_a_member_of_one_wards_panel_cannot_see_another_panels_members(world: World) -> None:
    a1_names = [m.user.display_name for m in world.panel_a1.memberships.select_related("user")]
    b1_chair = world.panel_b1.memberships.select_related("user").get().user
    b1_member = seat(world.panel_b1, name="Beth Young")
    client = client_for(b1_member.user)

    assert client.get(panel_url(world)).status_code == 404
    other = reverse("panels:membership_edit", kwargs={"pk": chair_of(world).pk})
    assert client.get(other).status_code == 404

    own = content(client.get(reverse("panels:panel_detail", kwargs={"code": world.b1.code})))
    assert b1_chair.display_name in own and "Beth Young" in own
    assert not [name for name in a1_names if name in own]
