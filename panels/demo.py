"""Demo neighbourhood panels for ``manage.py seed_demo``: London's panels at the seeds' coverage.

The seeds (004 §68, §82) count 565 of 630 wards with a panel and 382 of them community-led;
scaled to the current Met wards that is about 89.7% of wards with a panel and 60.6% of wards
(67.6% of panels) with a community chair. The rest have a police chair: the ward's sergeant
where there is one. Each panel has 6 to 12 members (a chair, usually a vice-chair and a
secretary, one to three partner representatives, residents), some former members, a meeting
every two to three months over the past year (2,921 meetings for 565 panels a year in the
seeds) with agenda, attendance, the public's numbers and organisations present, minutes
approved at the following meeting (the latest still a draft), and the next meeting in the
coming weeks. About 40% of current members have made a diversity declaration.

The demo ward (wards.demo.demo_ward) always has a community-led panel chaired by the
``panel_chair`` login with ``panel_member`` on it, at least seven members, and a meeting held
today with attendance recorded and a quorum present, so a ballot can be run at once.

As in the other demo builders everything comes from random.Random seeded with the ward's code,
rows are written with bulk_create (memberships with their history rows), and a ward that
already has a panel is left alone, so a second run changes nothing. Generated members cannot
sign in (unusable passwords) and have example.org addresses: no real person is named.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from panels import services
from panels.models import (
    AgendaItem,
    Attendance,
    DiversityDeclaration,
    Meeting,
    Panel,
    PanelMembership,
)
from panels.selectors import quorum_required
from wards.demo import demo_ward, generated_name
from wards.models import Posting, PostingRole, Team, User, Ward

Progress = Callable[[str], None]
Position = PanelMembership.Position
Partner = PanelMembership.Partner
D = DiversityDeclaration

SEED_WARDS = 630
SEED_PANELS = 565
SEED_COMMUNITY_LED = 382
MEMBERS = (6, 12)
DEMO_WARD_MEMBERS = (8, 11)
DECLARED_SHARE = 0.4
MEETING_GAP_DAYS = (56, 91)  # every two to three months
YEAR_DAYS = 365
NEXT_MEETING_DAYS = (7, 42)
CANCELLED_SHARE = 0.04
ATTENDANCE_WEIGHTS = {
    Attendance.Status.PRESENT: 74,
    Attendance.Status.APOLOGIES: 17,
    Attendance.Status.ABSENT: 9,
}
PARTNER_WEIGHTS = {
    Partner.COUNCIL: 32,
    Partner.HOUSING: 24,
    Partner.SCHOOL: 18,
    Partner.BUSINESS: 14,
    Partner.HEALTH: 7,
    Partner.OTHER: 5,
}

# London-like answers, with "prefer not to say" throughout.
ANSWER_WEIGHTS: dict[str, dict[str, int]] = {
    "age_band": {"16_24": 4, "25_34": 13, "35_49": 29, "50_64": 31, "65_plus": 19, D.PREFER_NOT: 4},
    "sex": {"female": 51, "male": 45, D.PREFER_NOT: 4},
    "ethnic_group": {
        "white": 55,
        "asian": 18,
        "black": 14,
        "mixed": 5,
        "other": 4,
        D.PREFER_NOT: 4,
    },
    "disability": {"yes": 12, "no": 82, D.PREFER_NOT: 6},
    "religion": {
        "christian": 40,
        "none": 25,
        "muslim": 12,
        "hindu": 5,
        "jewish": 2,
        "sikh": 2,
        "buddhist": 1,
        "other": 2,
        D.PREFER_NOT: 11,
    },
    "sexual_orientation": {
        "straight": 84,
        "gay_lesbian": 4,
        "bisexual": 2,
        "other": 1,
        D.PREFER_NOT: 9,
    },
}

PLACES = (
    "{ward} Community Centre, main hall",
    "{ward} Library, meeting room",
    "St Mary's Church Hall",
    "{ward} Primary School, school hall",
    "Tenants' and residents' association hall",
    "Council one-stop shop, meeting room 2",
    "{ward} Safer Neighbourhoods base",
)
ORGANISATIONS = (
    "Council ASB team",
    "Housing association",
    "Neighbourhood Watch",
    "Youth service",
    "Local school",
    "Town centre business partnership",
    "Faith forum",
    "Victim Support",
    "Fire brigade",
    "Ward councillor",
)
AGENDA_OPENING = ("Welcome, apologies and the minutes of the last meeting",)
AGENDA_MIDDLE = (
    "Ward crime and ASB update from the Safer Neighbourhoods Team",
    "Public preferences since the last meeting: the evidence pack",
    "Progress on the ward's priorities",
    "Partner updates: council, housing and schools",
    "Young people's concerns from the youth survey",
    "Results of the environmental visual audit",
    "Street briefings and surgeries planned for the coming months",
)
AGENDA_PRIORITIES = "Setting the ward's priorities for the coming quarter"
AGENDA_CLOSING = ("Any other business", "Date of the next meeting")


def _quiet(message: str) -> None:
    """Progress sink that says nothing."""


@dataclass
class PanelReport:
    wards: int = 0
    panels: int = 0
    community_led: int = 0
    created_panels: int = 0
    people_created: int = 0
    memberships_created: int = 0
    meetings_created: int = 0
    declarations_created: int = 0
    lines: list[str] = field(default_factory=list)


@dataclass
class _Member:
    position: str
    term_start: dt.date
    term_end: dt.date | None = None
    partner: str = ""
    is_police: bool = False
    user: User | None = None  # an existing user, or the one created for this member
    first_name: str = ""
    last_name: str = ""
    membership: PanelMembership | None = None
    declares: bool = False


@dataclass
class _MeetingPlan:
    meeting: Meeting
    agenda: list[str]
    attendance: list[tuple[_Member, str]]


@dataclass
class _PanelPlan:
    ward: Ward
    panel: Panel
    members: list[_Member]
    meetings: list[_MeetingPlan]


def seed_panels(*, today: dt.date, progress: Progress = _quiet) -> PanelReport:
    """Panels, members, meetings and attendance for the demo wards (idempotent)."""
    report = PanelReport()
    with transaction.atomic():
        wards = list(
            Ward.objects.current(today)
            .filter(borough__is_met=True)
            .select_related("borough")
            .order_by("code")
        )
        if not wards:
            progress("No current Met wards: no panels")
            return report
        demo = demo_ward(today)
        chosen, community = _choose(wards, demo)
        has_panel = set(Panel.objects.filter(ward__in=wards).values_list("ward_id", flat=True))
        todo = [w for w in chosen if w.pk not in has_panel]
        progress(f"Setting up {len(todo)} neighbourhood panels")
        sergeants = _sergeants(today, [w.pk for w in todo])
        logins = {u.username: u for u in User.objects.filter(username__in=_LOGINS)}
        plans = [
            _plan_panel(ward, today, ward.pk in community, sergeants.get(ward.pk), demo, logins)
            for ward in todo
        ]
        _write(plans, today, report)
        _seat_demo_logins(demo, today, logins)
        _measure(wards, today, report)
    for line in report.lines:
        progress(f"  {line}")
    return report


_LOGINS = ("panel_chair", "panel_member")


def _rank(text: str) -> str:
    """A stable pseudo-random sort key (random.Random's string seeding is stable too, but a
    digest is cheaper for 679 keys)."""
    return hashlib.sha256(text.encode()).hexdigest()


def _choose(wards: Sequence[Ward], demo: Ward) -> tuple[list[Ward], set[int]]:
    """The wards with a panel and those whose panel is community-led, at the seeds' shares.

    The demo ward always has a community-led panel."""
    n_panels = round(len(wards) * SEED_PANELS / SEED_WARDS)
    n_community = round(len(wards) * SEED_COMMUNITY_LED / SEED_WARDS)
    ranked = sorted(wards, key=lambda w: (w.pk != demo.pk, _rank(f"panel:{w.code}")))
    chosen = ranked[:n_panels]
    led = sorted(chosen, key=lambda w: (w.pk != demo.pk, _rank(f"led:{w.code}")))
    return chosen, {w.pk for w in led[:n_community]}


def _sergeants(today: dt.date, ward_ids: list[int]) -> dict[int, User]:
    """The current sergeant of each ward's team (the longest in post), to chair police-led
    panels."""
    postings = (
        Posting.objects.current(today)
        .filter(team__kind=Team.Kind.WARD, team__ward_id__in=ward_ids, role=PostingRole.SERGEANT)
        .order_by("start_date", "pk")
        .values_list("team__ward_id", "person_id")
    )
    chairs: dict[int, int] = {}
    for ward_id, person_id in postings:
        if ward_id is not None:
            chairs.setdefault(ward_id, person_id)
    people = User.objects.in_bulk(set(chairs.values()))
    return {ward_id: people[person_id] for ward_id, person_id in chairs.items()}


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _plan_panel(
    ward: Ward,
    today: dt.date,
    community_led: bool,
    sergeant: User | None,
    demo: Ward,
    logins: dict[str, User],
) -> _PanelPlan:
    rng = random.Random(f"panel:{ward.code}")
    is_demo = ward.pk == demo.pk
    established = dt.date(rng.randint(2005, 2020), rng.randint(1, 12), 1)
    panel = Panel(ward=ward, name=f"{ward.name} Neighbourhood Panel", established_on=established)
    size = rng.randint(*(DEMO_WARD_MEMBERS if is_demo else MEMBERS))

    def start() -> dt.date:
        # Most have sat for more than a year; a quarter joined during it.
        if rng.random() < 0.25:
            return _day(
                rng, today - dt.timedelta(days=YEAR_DAYS - 30), today - dt.timedelta(days=20)
            )
        return max(
            established,
            _day(
                rng, today - dt.timedelta(days=6 * YEAR_DAYS), today - dt.timedelta(days=YEAR_DAYS)
            ),
        )

    positions = [Position.CHAIR]
    if rng.random() < 0.8:
        positions.append(Position.VICE_CHAIR)
    if rng.random() < 0.7:
        positions.append(Position.SECRETARY)
    partners = rng.randint(1, 3)
    positions += [Position.PARTNER] * partners
    positions += [Position.MEMBER] * max(0, size - len(positions))
    partner_kinds = list(PARTNER_WEIGHTS)
    members = []
    for position in positions[:size]:
        member = _Member(position=position, term_start=start())
        if position == Position.PARTNER:
            member.partner = rng.choices(partner_kinds, weights=list(PARTNER_WEIGHTS.values()))[0]
        if position == Position.CHAIR:
            # The chair has sat for more than a year, so has chaired every meeting.
            member.term_start = max(established, today - dt.timedelta(days=rng.randint(400, 2000)))
            if not community_led:
                member.is_police = True
                member.user = sergeant
        members.append(member)
    if is_demo:
        chair = members[0]
        chair.user, chair.is_police = logins.get("panel_chair"), False
        plain = next(m for m in members if m.position == Position.MEMBER)
        plain.user = logins.get("panel_member")
        plain.term_start = today - dt.timedelta(days=400)
    # Former members: terms that ended during the year.
    for _ in range(rng.choices((0, 1, 2), weights=(45, 40, 15))[0]):
        end = _day(rng, today - dt.timedelta(days=YEAR_DAYS - 20), today - dt.timedelta(days=14))
        members.append(
            _Member(
                position=Position.MEMBER,
                term_start=end - dt.timedelta(days=rng.randint(300, 1500)),
                term_end=end,
            )
        )
    for member in members:
        if member.user is None:
            member.first_name, member.last_name = generated_name(rng)
        member.declares = (
            member.term_end is None
            and not member.is_police
            and member.user is None
            and rng.random() < DECLARED_SHARE
        )
    return _PanelPlan(ward, panel, members, _plan_meetings(rng, panel, members, today, is_demo))


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _plan_meetings(
    rng: random.Random, panel: Panel, members: list[_Member], today: dt.date, is_demo: bool
) -> list[_MeetingPlan]:
    ward = panel.ward
    place = rng.choice(PLACES).format(ward=ward.name)
    hour, minute = rng.choice(((19, 0), (19, 0), (18, 30), (19, 30), (18, 0)))
    # The most recent meeting was in the last six weeks; before it, every two to three months.
    days: list[dt.date] = []
    # The demo ward meets today (below), so its previous meeting was two to three months ago.
    last = today - dt.timedelta(days=rng.randint(*MEETING_GAP_DAYS if is_demo else (3, 42)))
    while last > today - dt.timedelta(days=YEAR_DAYS):
        days.append(last)
        last -= dt.timedelta(days=rng.randint(*MEETING_GAP_DAYS))
    days.reverse()
    plans = []
    for i, day in enumerate(days):
        when = _at(day, hour, minute)
        cancelled = 0 < i < len(days) - 1 and rng.random() < CANCELLED_SHARE
        meeting = Meeting(
            panel=panel,
            scheduled_at=when,
            place=place,
            status=Meeting.Status.CANCELLED if cancelled else Meeting.Status.HELD,
        )
        plans.append(_MeetingPlan(meeting, _agenda(rng, i), []))
    if is_demo:
        # Held today (before now), so the demo can run a ballot straight away.
        now = timezone.now()
        held = min(_at(today, 9, 0), now - dt.timedelta(minutes=5))
        meeting = Meeting(panel=panel, scheduled_at=held, place=place, status=Meeting.Status.HELD)
        plans.append(
            _MeetingPlan(meeting, [*AGENDA_OPENING, AGENDA_PRIORITIES, *AGENDA_CLOSING], [])
        )
    for plan in plans:
        meeting = plan.meeting
        if meeting.status != Meeting.Status.HELD:
            continue
        day = timezone.localdate(meeting.scheduled_at)
        present = [
            m for m in members if m.term_start <= day and (m.term_end is None or m.term_end >= day)
        ]
        for member in present:
            status = rng.choices(
                list(ATTENDANCE_WEIGHTS), weights=list(ATTENDANCE_WEIGHTS.values())
            )[0]
            if member.position == Position.CHAIR:
                status = Attendance.Status.PRESENT
            plan.attendance.append((member, status))
        _ensure_quorum(rng, plan, is_demo and plan is plans[-1])
        meeting.public_attendees = rng.choice((0, 2, 4, 5, 6, 8, 8, 10, 12, 15, 20, 25))
        meeting.organisations = "\n".join(rng.sample(ORGANISATIONS, rng.randint(1, 4)))
        meeting.minutes = _minutes(rng, plan)
        meeting.minutes_status = Meeting.MinutesStatus.DRAFT
    upcoming = today + dt.timedelta(days=rng.randint(*NEXT_MEETING_DAYS))
    plans.append(
        _MeetingPlan(
            Meeting(panel=panel, scheduled_at=_at(upcoming, hour, minute), place=place),
            _agenda(rng, len(plans)),
            [],
        )
    )
    return plans


def _ensure_quorum(rng: random.Random, plan: _MeetingPlan, demo_today: bool) -> None:
    """Nine meetings in ten are quorate; the demo ward's meeting today always is, with both
    demo logins present."""
    required = quorum_required(len(plan.attendance))
    present = sum(status == Attendance.Status.PRESENT for _, status in plan.attendance)
    if not demo_today and (present >= required or rng.random() < 0.1):
        return
    for i, (member, status) in enumerate(plan.attendance):
        must_attend = demo_today and member.user is not None  # the demo logins
        if status == Attendance.Status.PRESENT or (present >= required and not must_attend):
            continue
        plan.attendance[i] = (member, Attendance.Status.PRESENT)
        present += 1


def _agenda(rng: random.Random, index: int) -> list[str]:
    middle = rng.sample(AGENDA_MIDDLE, rng.randint(2, 3))
    if index % 2 == 0:
        middle.append(AGENDA_PRIORITIES)
    return [*AGENDA_OPENING, *middle, *AGENDA_CLOSING]


def _minutes(rng: random.Random, plan: _MeetingPlan) -> str:
    present = sum(status == Attendance.Status.PRESENT for _, status in plan.attendance)
    apologies = sum(status == Attendance.Status.APOLOGIES for _, status in plan.attendance)
    lines = [
        f"Present: {present} members. Apologies: {apologies}. "
        f"Members of the public: {plan.meeting.public_attendees}.",
        "",
    ]
    for number, title in enumerate(plan.agenda, 1):
        lines.append(f"{number}. {title}")
        if "crime" in title.lower():
            lines.append(
                rng.choice(
                    (
                        "The sergeant reported burglary down on the last quarter; ASB calls "
                        "about groups of young people near the parade remain the main issue.",
                        "Vehicle crime rose in the side streets by the station; the team has "
                        "increased patrols there in the evenings.",
                        "Drug dealing reported near the estate car park: the team is working "
                        "with the housing provider on lighting and CCTV.",
                    )
                )
            )
        elif "priorities" in title.lower():
            lines.append(
                "The panel reviewed progress on each priority with the team and agreed the "
                "actions for the coming months."
            )
    return "\n".join(lines)


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _write(plans: Sequence[_PanelPlan], today: dt.date, report: PanelReport) -> None:
    if not plans:
        return
    Panel.objects.bulk_create([plan.panel for plan in plans], batch_size=1000)
    taken = set(
        User.objects.filter(username__startswith="panel.").values_list("username", flat=True)
    )
    people: list[User] = []
    for plan in plans:
        code = plan.ward.code.lower()
        for number, member in enumerate(plan.members):
            if member.user is not None:
                continue
            first, last = _ascii(member.first_name), _ascii(member.last_name)
            username = f"panel.{first}.{last}.{code}.{number}"
            if username in taken:
                continue
            taken.add(username)
            user = User(
                username=username,
                first_name=member.first_name,
                last_name=member.last_name,
                email=f"{first}.{last}.{code[-4:]}{number}@example.org",
            )
            user.set_unusable_password()  # generated members never sign in
            member.user = user
            people.append(user)
    User.objects.bulk_create(people, batch_size=1000)
    memberships = []
    for plan in plans:
        for member in plan.members:
            if member.user is None:
                continue
            member.membership = PanelMembership(
                panel=plan.panel,
                user=member.user,
                position=member.position,
                partner=member.partner,
                is_police=member.is_police,
                term_start=member.term_start,
                term_end=member.term_end,
            )
            memberships.append(member.membership)
    bulk_create_with_history(
        memberships, PanelMembership, batch_size=1000, default_change_reason="seed_demo"
    )
    meetings = [m.meeting for plan in plans for m in plan.meetings]
    Meeting.objects.bulk_create(meetings, batch_size=1000)
    # Each held meeting's minutes are approved at the next held meeting; the last stays a draft.
    approved = []
    for plan in plans:
        held = [m.meeting for m in plan.meetings if m.meeting.status == Meeting.Status.HELD]
        for earlier, later in pairwise(held):
            earlier.minutes_status = Meeting.MinutesStatus.APPROVED
            earlier.minutes_approved_at = later
            approved.append(earlier)
    Meeting.objects.bulk_update(
        approved, ["minutes_status", "minutes_approved_at"], batch_size=1000
    )
    AgendaItem.objects.bulk_create(
        (
            AgendaItem(meeting=m.meeting, order=i, title=title)
            for plan in plans
            for m in plan.meetings
            for i, title in enumerate(m.agenda, 1)
        ),
        batch_size=2000,
    )
    Attendance.objects.bulk_create(
        (
            Attendance(meeting=m.meeting, membership=member.membership, status=status)
            for plan in plans
            for m in plan.meetings
            for member, status in m.attendance
            if member.membership is not None
        ),
        batch_size=2000,
    )
    declarations = []
    for plan in plans:
        rng = random.Random(f"declarations:{plan.ward.code}")
        for member in plan.members:
            if not member.declares or member.membership is None:
                continue
            answers = {
                name: rng.choices(list(weights), weights=list(weights.values()))[0]
                for name, weights in ANSWER_WEIGHTS.items()
            }
            declarations.append(
                DiversityDeclaration(
                    membership=member.membership,
                    consent_given_at=_at(
                        _day(rng, member.term_start, today), rng.randint(10, 21), 0
                    ),
                    **answers,
                )
            )
    DiversityDeclaration.objects.bulk_create(declarations, batch_size=1000)
    report.created_panels = len(plans)
    report.people_created = len(people)
    report.memberships_created = len(memberships)
    report.meetings_created = len(meetings)
    report.declarations_created = len(declarations)


def _seat_demo_logins(demo: Ward, today: dt.date, logins: dict[str, User]) -> None:
    """The panel_chair and panel_member logins sit on the demo ward's panel (chair, member),
    however the panel came to exist; each has an example.org address for reminders."""
    panel = Panel.objects.filter(ward=demo).first()
    if panel is None:
        return
    for username, position in (("panel_chair", Position.CHAIR), ("panel_member", Position.MEMBER)):
        user = logins.get(username)
        if user is None:
            continue
        if not user.email:
            user.email = f"{username.replace('_', '.')}@example.org"
            user.save(update_fields=["email"])
        if PanelMembership.objects.current(today).filter(panel=panel, user=user).exists():
            continue
        if (
            position == Position.CHAIR
            and PanelMembership.objects.filter(
                panel=panel, position=Position.CHAIR, term_end__isnull=True
            ).exists()
        ):
            position = Position.VICE_CHAIR
        services.add_member(
            acting_user=None,
            panel=panel,
            person=user,
            position=position,
            term_start=today - dt.timedelta(days=400),
        )


def _measure(wards: Sequence[Ward], today: dt.date, report: PanelReport) -> None:
    ward_ids = [w.pk for w in wards]
    report.wards = len(wards)
    report.panels = Panel.objects.filter(ward_id__in=ward_ids).count()
    report.community_led = (
        PanelMembership.objects.current(today)
        .filter(panel__ward_id__in=ward_ids, position=Position.CHAIR, is_police=False)
        .values("panel")
        .distinct()
        .count()
    )
    share = report.panels / report.wards if report.wards else 0.0
    led = report.community_led / report.wards if report.wards else 0.0
    report.lines = [
        f"{report.created_panels} panels, {report.people_created} people, "
        f"{report.memberships_created} memberships, {report.meetings_created} meetings, "
        f"{report.declarations_created} declarations",
        f"Wards with a panel: {report.panels} of {report.wards} ({share:.1%}; seeds "
        f"{SEED_PANELS}/{SEED_WARDS} = {SEED_PANELS / SEED_WARDS:.1%})",
        f"Community-led: {report.community_led} ({led:.1%} of wards; seeds "
        f"{SEED_COMMUNITY_LED}/{SEED_WARDS} = {SEED_COMMUNITY_LED / SEED_WARDS:.1%})",
    ]
