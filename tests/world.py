"""A small London for access tests: two boroughs, a cluster, one person in every role.

Borough A has wards A1 and A2 (one cluster); borough B has ward B1. Officers are posted to A1,
the inspector to A's cluster, the panel to A1, the borough manager to A.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engagement.models import CommunityGroup, EngagementEvent, Kin
from panels.models import Panel
from tests.factories import (
    BoroughFactory,
    ClusterFactory,
    ClusterTeamFactory,
    CommunityGroupFactory,
    EngagementEventFactory,
    KinFactory,
    PanelFactory,
    PanelMembershipFactory,
    PostingFactory,
    RoleAssignmentFactory,
    TeamFactory,
    UserFactory,
    WardFactory,
)
from wards.models import Posting, RoleAssignment, Team, User, Ward

ROLES = (
    "anonymous",
    "pcso",
    "pc",
    "sergeant",
    "inspector",
    "panel_member",
    "panel_chair",
    "borough_manager",
    "central_analyst",
    "admin",
)


@dataclass
class World:
    a1: Ward
    a2: Ward
    b1: Ward
    team_a1: Team
    team_a2: Team
    team_b1: Team
    users: dict[str, User]
    posting_a1: Posting  # the PCSO's posting on A1
    posting_a2: Posting
    posting_b1: Posting
    kin_a1: Kin
    kin_b1: Kin
    event_a1: EngagementEvent
    event_b1: EngagementEvent
    group_a1: CommunityGroup
    group_b1: CommunityGroup
    panel_a1: Panel
    panel_b1: Panel


@pytest.fixture
def world(db: None) -> World:
    borough_a = BoroughFactory.create(name="Aborough")
    borough_b = BoroughFactory.create(name="Bborough")
    cluster = ClusterFactory.create(borough=borough_a)
    a1 = WardFactory.create(name="Alpha", borough=borough_a, cluster=cluster)
    a2 = WardFactory.create(name="Amber", borough=borough_a, cluster=cluster)
    b1 = WardFactory.create(name="Beta", borough=borough_b)
    team_a1, team_a2, team_b1 = (
        TeamFactory.create(ward=a1),
        TeamFactory.create(ward=a2),
        TeamFactory.create(ward=b1),
    )
    cluster_team = ClusterTeamFactory.create(cluster=cluster)

    users = {role: UserFactory.create(username=role) for role in ROLES if role != "anonymous"}
    posting_a1 = PostingFactory.create(person=users["pcso"], team=team_a1, role=Posting.Role.PCSO)
    PostingFactory.create(person=users["pc"], team=team_a1, role=Posting.Role.PC)
    PostingFactory.create(person=users["sergeant"], team=team_a1, role=Posting.Role.SERGEANT)
    PostingFactory.create(person=users["inspector"], team=cluster_team, role=Posting.Role.INSPECTOR)
    RoleAssignmentFactory.create(
        user=users["panel_member"], role=RoleAssignment.Role.PANEL_MEMBER, ward=a1
    )
    RoleAssignmentFactory.create(
        user=users["panel_chair"], role=RoleAssignment.Role.PANEL_CHAIR, ward=a1
    )
    RoleAssignmentFactory.create(
        user=users["borough_manager"], role=RoleAssignment.Role.BOROUGH_MANAGER, borough=borough_a
    )
    RoleAssignmentFactory.create(
        user=users["central_analyst"], role=RoleAssignment.Role.CENTRAL_ANALYST
    )
    admin = users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    RoleAssignmentFactory.create(user=admin, role=RoleAssignment.Role.ADMINISTRATOR)

    posting_a2 = PostingFactory.create(team=team_a2, role=Posting.Role.PC)
    posting_b1 = PostingFactory.create(team=team_b1, role=Posting.Role.PC)
    PostingFactory.create(team=team_b1, role=Posting.Role.SERGEANT)
    kin_a1, kin_b1 = KinFactory.create(ward=a1), KinFactory.create(ward=b1)
    event_a1 = EngagementEventFactory.create(ward=a1, created_by=users["pcso"])
    event_b1 = EngagementEventFactory.create(ward=b1, created_by=posting_b1.person)
    group_a1 = CommunityGroupFactory.create(ward=a1)
    group_b1 = CommunityGroupFactory.create(ward=b1)
    # The panel roles come from seats on the ward's panel (the role assignments above are the
    # older way to grant them and still work).
    panel_a1, panel_b1 = PanelFactory.create(ward=a1), PanelFactory.create(ward=b1)
    PanelMembershipFactory.create(panel=panel_a1, user=users["panel_chair"], position="chair")
    PanelMembershipFactory.create(panel=panel_a1, user=users["panel_member"])
    PanelMembershipFactory.create(panel=panel_b1, position="chair")
    return World(
        a1, a2, b1, team_a1, team_a2, team_b1, users, posting_a1, posting_a2, posting_b1,
        kin_a1, kin_b1, event_a1, event_b1, group_a1, group_b1, panel_a1, panel_b1,
    )  # fmt: skip
