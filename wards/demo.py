"""A realistic demo London for ``manage.py seed_demo``: wards, clusters, staffed teams, logins.

With the shared real data present, the 2022, 2018 and 2014 ward sets and the 2022 boundaries
are imported through wards.imports; without it, a plausible London is generated. Then every Met
borough gets inspector-led clusters, a Safer Transport Team, and ward teams staffed close to the
2006/07 figures in the seeds (617 Sgt, 1,327 PC, 2,284 PCSO for 630 teams), measured against the
2007 establishment so that some wards show gaps. Postings turn over (some have an ended
predecessor) and officers have abstractions over the last 90 days.

Every step is idempotent: generated data comes from random.Random seeded with stable codes, and
a team that already has postings is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from wards import services
from wards.establishment import rule_2007
from wards.imports import (
    CURRENT_VINTAGE,
    ImportReport,
    WardRow,
    apply_ward_rows,
    import_boundaries,
    import_wards,
)
from wards.models import (
    Abstraction,
    Borough,
    Cluster,
    Posting,
    PostingRole,
    RoleAssignment,
    Team,
    User,
    Ward,
)

Progress = Callable[[str], None]

DEMO_PASSWORD = "demo-password-2026"

# The seeds' London, 2006/07: 630 teams with 617 sergeants, 1,327 PCs and 2,284 PCSOs.
SEED_TEAMS = 630
SEED_PER_WARD = {
    PostingRole.SERGEANT: 617 / SEED_TEAMS,
    PostingRole.PC: 1327 / SEED_TEAMS,
    PostingRole.PCSO: 2284 / SEED_TEAMS,
}
# Each of a ward's two establishment PC posts is filled this often; the seeds' 2.1 PCs a ward
# means some wards carry a third PC above establishment.
PC_POST_FILLED = 0.96
EXTRA_PC = SEED_PER_WARD[PostingRole.PC] - 2 * PC_POST_FILLED
# Posts turn over about every two years: a quarter of posts show the predecessor who left.
PREDECESSOR_SHARE = 0.25
# Most vacancies were left by someone recently gone.
VACANCY_LEFT_BY_SOMEONE = 0.6
TENURE_DAYS = (7, 4 * 365)  # current postings started within the last four years
ABSTRACTION_WINDOW_DAYS = 90
CLUSTER_SIZE = (4, 6)
# A borough Safer Transport Team: 2 Sgt, 1 PC, 18 PCSO.
TRANSPORT_TEAM = {PostingRole.SERGEANT: 2, PostingRole.PC: 1, PostingRole.PCSO: 18}
TRANSPORT_POST_FILLED = 0.92

# Collar numbers: a number and the borough's two-letter Met code, as on the shoulder. Each rank
# draws from its own band so numbers read like real ones and never collide within a borough.
COLLAR_BANDS = {
    PostingRole.INSPECTOR: (1, 50),
    PostingRole.SERGEANT: (50, 400),
    PostingRole.PC: (400, 4000),
    PostingRole.SPECIAL: (4000, 5000),
    PostingRole.PCSO: (5000, 9000),
}


@dataclass(frozen=True)
class MetBorough:
    code: str
    name: str
    letters: str  # the Met's borough code, as in collar numbers
    latitude: float  # rough centre, for generated ward centroids
    longitude: float


MET_BOROUGHS = (
    MetBorough("E09000002", "Barking and Dagenham", "KG", 51.546, 0.129),
    MetBorough("E09000003", "Barnet", "SX", 51.615, -0.210),
    MetBorough("E09000004", "Bexley", "RY", 51.456, 0.146),
    MetBorough("E09000005", "Brent", "QK", 51.559, -0.266),
    MetBorough("E09000006", "Bromley", "PY", 51.373, 0.051),
    MetBorough("E09000007", "Camden", "EK", 51.545, -0.160),
    MetBorough("E09000008", "Croydon", "ZD", 51.356, -0.083),
    MetBorough("E09000009", "Ealing", "XD", 51.523, -0.325),
    MetBorough("E09000010", "Enfield", "YE", 51.648, -0.084),
    MetBorough("E09000011", "Greenwich", "RG", 51.469, 0.050),
    MetBorough("E09000012", "Hackney", "GD", 51.553, -0.058),
    MetBorough("E09000013", "Hammersmith and Fulham", "FH", 51.495, -0.221),
    MetBorough("E09000014", "Haringey", "YR", 51.588, -0.108),
    MetBorough("E09000015", "Harrow", "QA", 51.590, -0.338),
    MetBorough("E09000016", "Havering", "KD", 51.561, 0.220),
    MetBorough("E09000017", "Hillingdon", "XH", 51.533, -0.450),
    MetBorough("E09000018", "Hounslow", "TX", 51.466, -0.370),
    MetBorough("E09000019", "Islington", "NI", 51.547, -0.109),
    MetBorough("E09000020", "Kensington and Chelsea", "BS", 51.500, -0.191),
    MetBorough("E09000021", "Kingston upon Thames", "VK", 51.390, -0.287),
    MetBorough("E09000022", "Lambeth", "LX", 51.459, -0.118),
    MetBorough("E09000023", "Lewisham", "PL", 51.445, -0.019),
    MetBorough("E09000024", "Merton", "VW", 51.410, -0.191),
    MetBorough("E09000025", "Newham", "KF", 51.527, 0.034),
    MetBorough("E09000026", "Redbridge", "JI", 51.581, 0.078),
    MetBorough("E09000027", "Richmond upon Thames", "TW", 51.444, -0.318),
    MetBorough("E09000028", "Southwark", "MD", 51.470, -0.074),
    MetBorough("E09000029", "Sutton", "ZT", 51.357, -0.176),
    MetBorough("E09000030", "Tower Hamlets", "HT", 51.515, -0.034),
    MetBorough("E09000031", "Waltham Forest", "JC", 51.594, -0.014),
    MetBorough("E09000032", "Wandsworth", "WW", 51.452, -0.195),
    MetBorough("E09000033", "Westminster", "CW", 51.512, -0.152),
)
_LETTERS = {borough.code: borough.letters for borough in MET_BOROUGHS}

# Ward names of the kind found across London, for generated boroughs.
_WARD_NAMES = (
    "Abbey", "Alexandra", "Avenue", "Beckton", "Bridge", "Broadway", "Brunswick", "Castle",
    "Cathedrals", "Central", "Chapel End", "Church End", "Clock Tower", "Coldharbour", "Common",
    "Court", "Cricket Green", "Crown", "Eastbrook", "Fairfield", "Forest", "Fortune Green",
    "Gardens", "Grange", "Green Lanes", "Grove", "Heath", "High Street", "Highfield", "Hillside",
    "Holly", "Kingsway", "Lakeside", "Manor", "Market", "Marsh", "Mayfield", "Meadow", "Mill",
    "Northfield", "Oakwood", "Orchard", "Palace", "Park", "Priory", "Queens Park", "Riverside",
    "St Andrew's", "St George's", "St James", "St John's", "St Mary's", "St Peter's", "Station",
    "Thames", "Tower", "Town", "Vale", "Valley", "Victoria", "Village", "West End", "Westfield",
    "Whitefoot", "Woodside",
)  # fmt: skip


# People ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NameGroup:
    """Names that read naturally together; each list is space-separated."""

    weight: int
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]

    @classmethod
    def of(cls, weight: int, female: str, male: str, surnames: str) -> _NameGroup:
        return cls(weight, tuple(female.split()), tuple(male.split()), tuple(surnames.split()))


# London's workforce is diverse; names are drawn within a group so that each reads naturally.
_NAME_GROUPS = (
    _NameGroup.of(
        34,
        (
            "Sarah Emma Laura Rebecca Hannah Charlotte Lucy Sophie Katie Claire Rachel Amy "
            "Jessica Gemma Nicola Kerry Joanne Megan"
        ),
        (
            "James Daniel Thomas Matthew Christopher Andrew David Michael Paul Mark Richard "
            "Steven Robert Jack Craig Gareth Ben Alex"
        ),
        (
            "Smith Jones Taylor Brown Williams Wilson Johnson Davies Wright Robinson Thompson "
            "Evans Walker White Roberts Green Hall Wood Jackson Clarke Campbell Stewart Hughes "
            "Morgan Bennett Cooper Hill Turner Foster Harris Lewis Mitchell Price Fletcher"
        ),
    ),
    _NameGroup.of(
        7,
        "Siobhan Niamh Aoife Ciara Orla Mairead Sinead Roisin",
        "Sean Liam Connor Declan Ciaran Patrick Eoin Kieran",
        (
            "Murphy O'Brien Kelly Walsh Byrne McCarthy Doyle O'Sullivan Ryan Gallagher Quinn "
            "Brennan Fitzgerald Kennedy"
        ),
    ),
    _NameGroup.of(
        8,
        "Priya Anjali Sunita Kavita Nisha Simran Harpreet Meera Pooja Jaspreet",
        "Rajesh Amit Sanjay Arjun Ravi Vikram Gurpreet Harjit Rohan Nikhil",
        ("Patel Shah Singh Sharma Gill Sandhu Mistry Desai Kumar Dhillon Mehta Joshi Bhatt Virdee"),
    ),
    _NameGroup.of(
        8,
        "Aisha Fatima Nadia Sana Ruksana Shabana Farzana Tahmina Amina Yasmin",
        "Imran Mohammed Bilal Hassan Asif Tariq Kamran Shahid Nazrul Omar Adnan",
        (
            "Khan Ahmed Hussain Ali Rahman Uddin Chowdhury Islam Iqbal Malik Miah Akhtar Butt "
            "Qureshi"
        ),
    ),
    _NameGroup.of(
        7,
        "Grace Blessing Chioma Adaeze Abena Ama Funmilayo Ngozi Folake Efua",
        "Emmanuel Oluwaseun Chinedu Kwame Kofi Tunde Femi Adebayo Segun Kwabena",
        (
            "Okafor Adeyemi Okonkwo Mensah Boateng Asante Owusu Okoro Oyelaran Osei Nwosu Adeleke "
            "Ogunleye Appiah"
        ),
    ),
    _NameGroup.of(
        6,
        "Keisha Shanice Marcia Yvonne Jasmine Tanisha Simone Paulette",
        "Marcus Jermaine Delroy Winston Leon Dwayne Tyrone Andre",
        ("Campbell Francis Grant Henry Forde Joseph Reid Edwards Gordon Samuels Bailey Richards"),
    ),
    _NameGroup.of(
        3,
        "Fadumo Hodan Sahra Asha Ifrah Nasra",
        "Abdi Mohamed Yusuf Abdirahman Ahmed Liban",
        "Farah Hassan Warsame Abdullahi Osman Jama Egal Ismail",
    ),
    _NameGroup.of(
        5,
        "Agnieszka Katarzyna Magdalena Joanna Alina Ioana Elena Monika",
        "Tomasz Piotr Marcin Pawel Krzysztof Andrei Bogdan Mihai",
        (
            "Nowak Kowalski Wisniewski Kaminski Lewandowski Zielinski Popescu Ionescu Dumitru "
            "Kowalczyk"
        ),
    ),
    _NameGroup.of(
        4,
        "Elif Ayse Zeynep Eleni Maria Despina Sevgi Androulla",
        "Mehmet Mustafa Emre Hasan Andreas Costas Nikos Kemal",
        (
            "Yilmaz Demir Kaya Celik Ozturk Georgiou Christodoulou Constantinou Charalambous "
            "Papadopoulos"
        ),
    ),
    _NameGroup.of(
        4,
        "Ana Ines Beatriz Carla Giulia Francesca Lucia Marta",
        "Joao Pedro Tiago Rafael Marco Luca Javier Diego",
        (
            "Silva Santos Ferreira Pereira Costa Rossi Russo Romano Garcia Rodriguez Martinez "
            "Fernandes"
        ),
    ),
    _NameGroup.of(
        4,
        "Mei Li Xin Ling Thu Linh Jenny Grace",
        "Wei Jun Hao Ming Minh Tuan Kevin Jason",
        "Wong Chan Li Zhang Wang Chen Liu Nguyen Tran Pham Lam Cheung",
    ),
    _NameGroup.of(
        3,
        "Thushara Kavitha Shalini Nirmala Vasuki Tharani",
        "Suresh Rajan Niroshan Pratheep Kannan Tharshan",
        "Sivakumar Rajaratnam Selvarajah Tharmalingam Kandiah Balasubramaniam",
    ),
    _NameGroup.of(
        3,
        "Leila Rania Nour Mariam Hana Dina",
        "Karim Ahmad Samir Youssef Khalid Ziad",
        "Haddad Mansour Khalil Nasser Saleh Darwish Hamdan Aziz",
    ),
    _NameGroup.of(
        4,
        "Rachel Naomi Miriam Deborah Ruth Esther Hannah Leah",
        "Daniel Jonathan Benjamin Samuel Joshua Adam Jacob Simon",
        "Cohen Levy Goldberg Jacobs Shapiro Rosen Green Freedman Solomon Abrahams",
    ),
)
_GROUP_WEIGHTS = [group.weight for group in _NAME_GROUPS]


def generated_name(rng: random.Random, *, female_share: float = 0.5) -> tuple[str, str]:
    """A first name and surname that read naturally together: generated, never a real person."""
    group = rng.choices(_NAME_GROUPS, weights=_GROUP_WEIGHTS)[0]
    female = rng.random() < female_share
    return rng.choice(group.female if female else group.male), rng.choice(group.surnames)


# Share of women by rank, roughly the Met's: fewer among officers than PCSOs and volunteers.
_FEMALE_SHARE = {
    PostingRole.INSPECTOR: 0.3,
    PostingRole.SERGEANT: 0.3,
    PostingRole.PC: 0.33,
    PostingRole.SPECIAL: 0.3,
    PostingRole.PCSO: 0.45,
    PostingRole.VOLUNTEER: 0.5,
}

_END_REASONS = {
    PostingRole.INSPECTOR: (
        "Promoted to chief inspector",
        "Moved to borough operations",
        "Transferred to another borough",
        "Retired",
    ),
    PostingRole.SERGEANT: (
        "Promoted to inspector",
        "Moved to a response team",
        "Transferred to another borough",
        "Moved to CID",
        "Retired",
    ),
    PostingRole.PC: (
        "Promoted to sergeant",
        "Moved to a response team",
        "Joined CID",
        "Transferred to another borough",
        "Joined the Territorial Support Group",
        "Left the Met",
    ),
    PostingRole.PCSO: (
        "Joined the Met as a police constable",
        "Moved to another ward team",
        "Moved to a Safer Transport Team",
        "Career break",
        "Left the Met",
    ),
    PostingRole.SPECIAL: ("Joined as a regular officer", "Resigned", "Moved away from London"),
    PostingRole.VOLUNTEER: ("Stood down", "Moved away from the ward"),
}

_ABSTRACTION_DETAILS: dict[str, tuple[str, ...]] = {
    Abstraction.Reason.CENTRAL_TARGET: (
        "Operation Sceptre knife crime weapons sweep",
        "Pan-London robbery operation",
        "Borough burglary reduction operation",
        "Drugs warrant support",
    ),
    Abstraction.Reason.PUBLIC_ORDER: (
        "Notting Hill Carnival",
        "Premier League football",
        "Protest in Whitehall",
        "New Year's Eve in central London",
        "State visit route lining",
        "Pride in London",
    ),
    Abstraction.Reason.RESPONSE_COVER: (
        "Covering a response shift shortfall",
        "Custody suite cover",
        "Scene guard at a crime scene",
        "Hospital guard for a prisoner",
    ),
    Abstraction.Reason.OTHER_BOROUGH: (
        "Aid to a neighbouring borough for a major incident",
        "Mutual aid for a planned event",
    ),
    Abstraction.Reason.COURT: (
        "Crown Court: witness in an assault trial",
        "Magistrates' court: ASB injunction hearing",
        "Youth court: giving evidence",
    ),
    Abstraction.Reason.TRAINING: (
        "Officer safety training",
        "First aid refresher",
        "Public order refresher",
        "Problem-solving course",
    ),
    Abstraction.Reason.OTHER: (
        "Missing person search",
        "House-to-house enquiries after a major incident",
        "Covering the front counter",
        "Welfare visits for another team",
    ),
}
# Most abstraction is to central operations, public order and response cover (seeds 000, 003).
_REASON_WEIGHTS = {
    Abstraction.Reason.CENTRAL_TARGET: 25,
    Abstraction.Reason.PUBLIC_ORDER: 25,
    Abstraction.Reason.RESPONSE_COVER: 24,
    Abstraction.Reason.OTHER_BOROUGH: 8,
    Abstraction.Reason.COURT: 7,
    Abstraction.Reason.TRAINING: 8,
    Abstraction.Reason.OTHER: 3,
}
_ABSTRACTION_HOURS = (2, 2.5, 3, 4, 4, 5, 6, 8, 8, 10)
# Abstractions per officer in 90 days: PCs are pulled off most, PCSOs least.
_ABSTRACTION_RATE = {PostingRole.SERGEANT: 0.9, PostingRole.PC: 1.6, PostingRole.PCSO: 0.7}


# The demo logins ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    """A login the demo's README lists."""

    username: str
    role: str
    where: str
    password: str = DEMO_PASSWORD


DEMO_USERNAMES = (
    "sergeant",
    "pc",
    "pcso",
    "inspector",
    "panel_chair",
    "panel_member",
    "borough_manager",
    "central_analyst",
    "admin",
)
# Names for the demo logins that are not generated officers.
_DEMO_NAMES = {
    "panel_chair": ("Gloria", "Mensah"),
    "panel_member": ("Tariq", "Hussain"),
    "borough_manager": ("Claire", "Donovan"),
    "central_analyst": ("Wei", "Zhang"),
    "admin": ("Sam", "Fletcher"),
    "sergeant": ("Helen", "Walsh"),
    "pc": ("Marcus", "Campbell"),
    "pcso": ("Priya", "Sharma"),
    "inspector": ("Andrew", "Okafor"),
}


@dataclass
class DemoReport:
    """What seed_demo did, and the staffing it left."""

    geography: list[ImportReport] = field(default_factory=list)
    clusters_created: int = 0
    teams_created: int = 0
    people_created: int = 0
    postings_created: int = 0
    abstractions_created: int = 0
    staffed_wards: int = 0
    # Current postings on Met ward teams, by role.
    ward_strength: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


def _quiet(message: str) -> None:
    """Progress sink that says nothing."""


def shared_data_available(directory: Path | None) -> bool:
    """Whether ``directory`` holds the ward lists and boundaries seed_demo imports."""
    return directory is not None and all((directory / name).is_file() for name in _SHARED_FILES)


_SHARED_WARD_FILES = (
    (2022, "wards/london_wards_2022.csv"),
    (2018, "wards/london_wards_2018.csv"),
    (2014, "wards/london_wards_2014.csv"),
)
_SHARED_BOUNDARY_FILES = (
    "boundaries/london_wards_2022.geojson",
    "boundaries/london_boroughs.geojson",
)
_SHARED_FILES = (*(name for _, name in _SHARED_WARD_FILES), *_SHARED_BOUNDARY_FILES)


def seed_demo(
    *,
    shared_data_dir: Path | None,
    progress: Progress = _quiet,
    today: dt.date | None = None,
) -> DemoReport:
    """Build the demo in one transaction; running it again changes nothing.

    ``shared_data_dir`` is the real data to import (see shared_data_available); None generates
    a plausible London instead.
    """
    today = today or timezone.localdate()
    report = DemoReport()
    with transaction.atomic():
        if shared_data_dir is not None and shared_data_available(shared_data_dir):
            _import_shared_geography(shared_data_dir, report, progress)
        else:
            _generate_geography(report, progress)
        _form_clusters(today, report, progress)
        _create_leadership_and_transport_teams(report)
        _staff_teams(today, report, progress)
        report.logins = _demo_logins(today)
        _measure(today, report)
    return report


# Geography ---------------------------------------------------------------------------------


def _import_shared_geography(directory: Path, report: DemoReport, progress: Progress) -> None:
    for vintage, name in _SHARED_WARD_FILES:
        progress(f"Importing the {vintage} wards from {name}")
        result = import_wards(path=directory / name, vintage=vintage)
        report.geography.append(result)
        progress(f"  {result.wards}")
    for name in _SHARED_BOUNDARY_FILES:
        progress(f"Importing boundaries from {name}")
        result = import_boundaries(path=directory / name)
        report.geography.append(result)
        progress(f"  {'; '.join(result.lines())}")


def _generate_geography(report: DemoReport, progress: Progress) -> None:
    if Ward.objects.current().filter(borough__is_met=True).exists():
        # A database that already has London (real or generated) keeps it.
        progress("Wards already present: keeping them")
        return
    progress("Generating a plausible London (no shared data found)")
    result = apply_ward_rows(rows=generated_ward_rows(), vintage=CURRENT_VINTAGE)
    report.geography.append(result)
    progress(f"  Boroughs: {result.boroughs}; wards: {result.wards}")


def generated_ward_rows() -> list[WardRow]:
    """About 21 wards in each Met borough, with E05-style codes and plausible populations."""
    rows: list[WardRow] = []
    for index, borough in enumerate(MET_BOROUGHS):
        rng = random.Random(f"wards:{borough.code}")
        names = sorted(rng.sample(_WARD_NAMES, rng.randint(18, 24)))
        for number, name in enumerate(names, start=1):
            # E058 + borough + ward: a block of codes ONS has not issued to London wards.
            code = f"E058{index:02d}{number:03d}"
            # Ward populations cluster around 13,000; four in ten exceed 14,000.
            population = round(min(max(rng.gauss(13_300, 3_200), 5_500), 24_000))
            rows.append(
                WardRow(
                    line=len(rows) + 2,
                    code=code,
                    name=name,
                    borough_code=borough.code,
                    borough_name=borough.name,
                    latitude=Decimal(f"{borough.latitude + rng.uniform(-0.03, 0.03):.6f}"),
                    longitude=Decimal(f"{borough.longitude + rng.uniform(-0.045, 0.045):.6f}"),
                    population=population,
                )
            )
    return rows


# Clusters and borough teams ----------------------------------------------------------------


def _current_met_wards(today: dt.date) -> list[Ward]:
    return list(
        Ward.objects.current(today)
        .filter(borough__is_met=True)
        .select_related("borough")
        .order_by("borough__code", "code")
    )


def _form_clusters(today: dt.date, report: DemoReport, progress: Progress) -> None:
    """Group each Met borough's current wards into clusters of four to six."""
    by_borough: dict[Borough, list[Ward]] = defaultdict(list)
    for ward in _current_met_wards(today):
        by_borough[ward.borough].append(ward)
    sizes = {
        row["pk"]: row["n"]
        for row in Cluster.objects.annotate(n=Count("wards")).values("pk", "n", "borough_id")
    }
    clusters_of: dict[int, list[Cluster]] = defaultdict(list)
    for cluster in Cluster.objects.all():
        clusters_of[cluster.borough_id].append(cluster)

    new_clusters: list[Cluster] = []
    assignments: list[tuple[Ward, Cluster]] = []
    for borough, wards in by_borough.items():
        existing = clusters_of.get(borough.pk)
        if existing:
            # Already clustered: a ward added since (a new import) joins the smallest cluster.
            for ward in wards:
                if ward.cluster_id is None:
                    smallest = min(existing, key=lambda c: (sizes.get(c.pk, 0), c.name))
                    sizes[smallest.pk] = sizes.get(smallest.pk, 0) + 1
                    assignments.append((ward, smallest))
            continue
        for name, group in geographic_clusters(wards):
            cluster = Cluster(borough=borough, name=name)
            new_clusters.append(cluster)
            assignments.extend((ward, cluster) for ward in group)
    Cluster.objects.bulk_create(new_clusters)
    for ward, cluster in assignments:
        ward.cluster = cluster
    Ward.objects.bulk_update([ward for ward, _ in assignments], ["cluster"], batch_size=500)
    report.clusters_created = len(new_clusters)
    progress(f"Clusters: {len(new_clusters)} created for {len(by_borough)} Met boroughs")


_COMPASS = (
    "North",
    "North East",
    "East",
    "South East",
    "South",
    "South West",
    "West",
    "North West",
)


def geographic_clusters(wards: Sequence[Ward]) -> list[tuple[str, list[Ward]]]:
    """Split a borough's wards into neighbouring groups of four to six, named by compass point.

    Wards are ordered by their bearing from the borough's centre, so each cluster is a slice
    of the borough, as inspectors' clusters usually are.
    """
    count = len(wards)
    groups = max(1, math.ceil(count / CLUSTER_SIZE[1]))
    located = [w for w in wards if w.latitude is not None and w.longitude is not None]
    if len(located) == count and count:
        centre_lat = sum(float(w.latitude or 0) for w in wards) / count
        centre_lon = sum(float(w.longitude or 0) for w in wards) / count
        scale = math.cos(math.radians(centre_lat))

        def offset(ward: Ward) -> tuple[float, float]:
            return (float(ward.longitude or 0) - centre_lon) * scale, float(
                ward.latitude or 0
            ) - centre_lat

        def bearing(ward: Ward) -> float:
            east, north = offset(ward)
            return math.degrees(math.atan2(east, north)) % 360

        ordered = sorted(wards, key=lambda w: (bearing(w), w.code))
    else:
        ordered = sorted(wards, key=lambda w: (w.name, w.code))

    base, extra = divmod(count, groups)
    result: list[tuple[str, list[Ward]]] = []
    used: set[str] = set()
    start = 0
    for index in range(groups):
        size = base + (1 if index < extra else 0)
        group = ordered[start : start + size]
        start += size
        if len(located) == count and group:
            east = sum(offset(w)[0] for w in group) / len(group)
            north = sum(offset(w)[1] for w in group) / len(group)
            heading = math.degrees(math.atan2(east, north)) % 360
            name = (
                "Central" if math.hypot(east, north) < 0.004 else _COMPASS[round(heading / 45) % 8]
            )
        else:
            name = f"Cluster {index + 1}"
        unique, suffix = name, 2
        while unique in used:
            unique, suffix = f"{name} {suffix}", suffix + 1
        used.add(unique)
        result.append((unique, group))
    return result


def _create_leadership_and_transport_teams(report: DemoReport) -> None:
    """An inspector's team for each cluster and a Safer Transport Team for each Met borough."""
    with_team = set(
        Team.objects.filter(kind=Team.Kind.CLUSTER).values_list("cluster_id", flat=True)
    )
    new = [
        Team(
            kind=Team.Kind.CLUSTER,
            cluster=cluster,
            borough=cluster.borough,
            name=f"{cluster.borough.name} {cluster.name} cluster",
        )
        for cluster in Cluster.objects.filter(borough__is_met=True).select_related("borough")
        if cluster.pk not in with_team
    ]
    with_transport = set(
        Team.objects.filter(kind=Team.Kind.TRANSPORT).values_list("borough_id", flat=True)
    )
    new += [
        Team(kind=Team.Kind.TRANSPORT, borough=borough, name=f"{borough.name} Safer Transport Team")
        for borough in Borough.objects.filter(is_met=True, wards__isnull=False).distinct()
        if borough.pk not in with_transport
    ]
    Team.objects.bulk_create(new)
    report.teams_created = len(new)


# Staffing ----------------------------------------------------------------------------------


@dataclass
class _Person:
    first_name: str
    last_name: str
    collar_number: str
    user: User | None = None


@dataclass
class _Post:
    person: _Person
    team: Team
    role: PostingRole
    start_date: dt.date
    end_date: dt.date | None = None
    end_reason: str = ""
    posting: Posting | None = None


class _CollarPool:
    """Collar numbers for one borough, drawn in a fixed shuffled order, skipping any in use."""

    def __init__(self, borough: Borough, taken: set[str]) -> None:
        self._rng = random.Random(f"collars:{borough.code}")
        self._letters = _LETTERS.get(borough.code) or _initials(borough.name)
        self._taken = taken
        self._numbers: dict[PostingRole, Iterator[int]] = {}

    def draw(self, role: PostingRole) -> str:
        if role not in COLLAR_BANDS:
            return ""  # volunteers carry no collar number
        if role not in self._numbers:
            numbers = list(range(*COLLAR_BANDS[role]))
            self._rng.shuffle(numbers)
            self._numbers[role] = iter(numbers)
        for number in self._numbers[role]:
            collar = f"{number}{self._letters}"
            if collar not in self._taken:
                self._taken.add(collar)
                return collar
        raise RuntimeError(f"No {role.label} collar numbers left for {self._letters}")


def _initials(name: str) -> str:
    letters = "".join(word[0] for word in name.split() if word[0].isupper())
    return (letters + "XX")[:2].upper()


class _Staffing:
    """Plans people and postings for teams, then writes them in bulk."""

    def __init__(self, today: dt.date, pcso_fill: float) -> None:
        self.today = today
        self.pcso_fill = pcso_fill
        self.posts: list[_Post] = []
        self.taken = set(
            User.objects.exclude(collar_number="").values_list("collar_number", flat=True)
        )
        self.pools: dict[int, _CollarPool] = {}

    def pool(self, borough: Borough) -> _CollarPool:
        if borough.pk not in self.pools:
            self.pools[borough.pk] = _CollarPool(borough, self.taken)
        return self.pools[borough.pk]

    def person(self, rng: random.Random, team: Team, role: PostingRole) -> _Person:
        first, last = generated_name(rng, female_share=_FEMALE_SHARE[role])
        return _Person(first, last, self.pool(team.borough).draw(role))

    def post(self, rng: random.Random, team: Team, role: PostingRole, *, filled: bool) -> None:
        """One establishment post: its holder (if filled) and perhaps who held it before."""
        today = self.today
        if filled:
            start = today - dt.timedelta(days=rng.randint(*TENURE_DAYS))
            self.posts.append(_Post(self.person(rng, team, role), team, role, start))
            if rng.random() >= PREDECESSOR_SHARE:
                return
            # The predecessor left shortly before the current holder arrived.
            end = start - dt.timedelta(days=rng.randint(1, 60))
        else:
            if rng.random() >= VACANCY_LEFT_BY_SOMEONE:
                return
            # A vacancy: its last holder left in the last eight months.
            end = today - dt.timedelta(days=rng.randint(14, 240))
        begin = end - dt.timedelta(days=rng.randint(365, 3 * 365))
        reason = rng.choice(_END_REASONS[role])
        self.posts.append(_Post(self.person(rng, team, role), team, role, begin, end, reason))

    def staff_ward_team(self, team: Team, ward: Ward) -> None:
        rng = random.Random(f"staff:{ward.code}")
        required = rule_2007(ward.population)
        # The seeds' 617 sergeants for 630 teams: about one ward in fifty awaits its sergeant.
        for _ in range(required[PostingRole.SERGEANT]):
            self.post(
                rng,
                team,
                PostingRole.SERGEANT,
                filled=rng.random() < SEED_PER_WARD[PostingRole.SERGEANT],
            )
        for _ in range(required[PostingRole.PC]):
            self.post(rng, team, PostingRole.PC, filled=rng.random() < PC_POST_FILLED)
        if rng.random() < EXTRA_PC:
            self.post(rng, team, PostingRole.PC, filled=True)
        for _ in range(required[PostingRole.PCSO]):
            self.post(rng, team, PostingRole.PCSO, filled=rng.random() < self.pcso_fill)
        # Specials and volunteers support many teams, not all.
        for role, weights in (
            (PostingRole.SPECIAL, (45, 35, 15, 5)),
            (PostingRole.VOLUNTEER, (50, 30, 15, 5)),
        ):
            for _ in range(rng.choices(range(4), weights=weights)[0]):
                self.post(rng, team, role, filled=True)

    def staff_cluster_team(self, team: Team) -> None:
        cluster_name = team.cluster.name if team.cluster else team.name
        rng = random.Random(f"staff:{team.borough.code}:cluster:{cluster_name}")
        self.post(rng, team, PostingRole.INSPECTOR, filled=True)

    def staff_transport_team(self, team: Team) -> None:
        rng = random.Random(f"staff:{team.borough.code}:transport")
        for role, count in TRANSPORT_TEAM.items():
            for _ in range(count):
                self.post(rng, team, role, filled=rng.random() < TRANSPORT_POST_FILLED)

    def write(self) -> tuple[int, list[_Post]]:
        """Create the users and postings planned; return (people, posts with postings)."""
        usernames = set(User.objects.values_list("username", flat=True))
        people: list[_Person] = []
        seen: set[int] = set()
        for post in self.posts:
            if id(post.person) not in seen:
                seen.add(id(post.person))
                people.append(post.person)
        users = []
        for number, person in enumerate(people):
            user = User(
                username=_username(person, number, usernames),
                first_name=person.first_name,
                last_name=person.last_name,
                collar_number=person.collar_number,
            )
            user.set_unusable_password()  # generated people never sign in
            person.user = user
            users.append(user)
        User.objects.bulk_create(users, batch_size=1000)
        postings = []
        for post in self.posts:
            post.posting = Posting(
                person=post.person.user,
                team=post.team,
                role=post.role,
                start_date=post.start_date,
                end_date=post.end_date,
                end_reason=post.end_reason,
            )
            postings.append(post.posting)
        bulk_create_with_history(
            postings, Posting, batch_size=1000, default_change_reason="seed_demo"
        )
        return len(users), self.posts


def _username(person: _Person, number: int, taken: set[str]) -> str:
    base = _ascii(f"{person.first_name}.{person.last_name}")
    suffix = person.collar_number.lower() or f"v{number}"
    username = f"{base}.{suffix}"
    extra = 2
    while username in taken:
        username, extra = f"{base}.{suffix}{extra}", extra + 1
    taken.add(username)
    return username


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum() or ch in ".-")


def _pcso_fill_rate(wards: Sequence[Ward]) -> float:
    """How often a PCSO post is filled so London averages the seeds' PCSOs per ward."""
    if not wards:
        return 1.0
    required = sum(rule_2007(w.population)[PostingRole.PCSO] for w in wards) / len(wards)
    return min(1.0, SEED_PER_WARD[PostingRole.PCSO] / required)


def _staff_teams(today: dt.date, report: DemoReport, progress: Progress) -> None:
    """Staff every Met team that has no postings yet, then record their abstractions."""
    wards = _current_met_wards(today)
    ward_by_id = {ward.pk: ward for ward in wards}
    staffing = _Staffing(today, _pcso_fill_rate(wards))
    empty = (
        Team.objects.filter(borough__is_met=True, postings__isnull=True)
        .filter(Q(ward__isnull=True) | Q(ward__in=Ward.objects.current(today)))
        .select_related("borough", "cluster")
        .order_by("borough__code", "kind", "name", "pk")
    )
    teams = list(empty)
    progress(f"Staffing {len(teams)} teams")
    for team in teams:
        if team.kind == Team.Kind.WARD and team.ward_id is not None:
            staffing.staff_ward_team(team, ward_by_id[team.ward_id])
        elif team.kind == Team.Kind.CLUSTER:
            staffing.staff_cluster_team(team)
        else:
            staffing.staff_transport_team(team)
    people, posts = staffing.write()
    report.people_created, report.postings_created = people, len(posts)
    progress(f"  {people} people, {len(posts)} postings (some ended)")
    report.abstractions_created = _record_abstractions(today, posts, ward_by_id)
    progress(
        f"  {report.abstractions_created} abstractions in the last {ABSTRACTION_WINDOW_DAYS} days"
    )


def _record_abstractions(today: dt.date, posts: Sequence[_Post], wards: dict[int, Ward]) -> int:
    """Abstractions for the ward officers just posted, authorised by sergeant or inspector.

    A sergeant authorises their officers' abstractions; the cluster inspector authorises the
    sergeant's, and any from before the sergeant arrived.
    """
    inspectors: dict[int, tuple[int, dt.date]] = {
        cluster_id: (person_id, start)
        for cluster_id, person_id, start in Posting.objects.current(today)
        .filter(team__kind=Team.Kind.CLUSTER, role=PostingRole.INSPECTOR)
        .values_list("team__cluster_id", "person_id", "start_date")
    }
    sergeants: dict[int, _Post] = {}
    officers: dict[int, list[_Post]] = defaultdict(list)
    for post in posts:
        ward_id = post.team.ward_id
        if post.end_date is not None or post.team.kind != Team.Kind.WARD or ward_id is None:
            continue
        if post.role == PostingRole.SERGEANT:
            sergeants.setdefault(ward_id, post)
        if post.role in _ABSTRACTION_RATE:
            officers[ward_id].append(post)

    reasons, weights = list(_REASON_WEIGHTS), list(_REASON_WEIGHTS.values())
    window_start = today - dt.timedelta(days=ABSTRACTION_WINDOW_DAYS - 1)
    abstractions: list[Abstraction] = []
    for ward_id, ward_posts in officers.items():
        ward = wards[ward_id]
        rng = random.Random(f"abstractions:{ward.code}")
        # Some boroughs lean on their ward teams far more than others.
        pressure = random.Random(f"pressure:{ward.borough.code}").uniform(0.4, 1.8)
        sergeant = sergeants.get(ward_id)
        inspector = inspectors.get(ward.cluster_id) if ward.cluster_id else None
        for post in ward_posts:
            if post.posting is None:
                continue
            first_day = max(window_start, post.start_date)
            span = (today - first_day).days
            for _ in range(_poisson(rng, _ABSTRACTION_RATE[post.role] * pressure)):
                day = first_day + dt.timedelta(days=rng.randint(0, span))
                reason = rng.choices(reasons, weights=weights)[0]
                details = ""
                if reason == Abstraction.Reason.OTHER or rng.random() < 0.7:
                    details = rng.choice(_ABSTRACTION_DETAILS[reason])
                hours = Decimal(str(rng.choice(_ABSTRACTION_HOURS)))
                if (
                    sergeant is not None
                    and sergeant is not post
                    and sergeant.start_date <= day
                    and sergeant.person.user is not None
                ):
                    authoriser_id = sergeant.person.user.pk
                elif inspector is not None and inspector[1] <= day:
                    authoriser_id = inspector[0]
                else:
                    continue  # nobody on hand to authorise it; the demo just skips it
                abstractions.append(
                    Abstraction(
                        posting=post.posting,
                        date=day,
                        hours=hours,
                        reason=reason,
                        details=details,
                        authorised_by_id=authoriser_id,
                        recorded_by_id=authoriser_id,
                    )
                )
    bulk_create_with_history(
        abstractions, Abstraction, batch_size=1000, default_change_reason="seed_demo"
    )
    return len(abstractions)


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; means here are small)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


# Demo logins -------------------------------------------------------------------------------


def demo_ward(today: dt.date | None = None) -> Ward:
    """The ward the demo's officers and panel work in: the first Barnet ward, else the first."""
    current = Ward.objects.current(today).filter(borough__is_met=True, cluster__isnull=False)
    ward = current.filter(borough__name="Barnet").order_by("name", "code").first()
    ward = ward or current.order_by("borough__name", "name", "code").first()
    if ward is None:
        raise RuntimeError("There are no current Met wards to put the demo logins in.")
    return ward


def _demo_logins(today: dt.date) -> list[DemoLogin]:
    """One login per role, each with DEMO_PASSWORD; existing logins are left as they are."""
    ward = demo_ward(today)
    team = services.ward_team(ward)
    cluster_team = Team.objects.get(kind=Team.Kind.CLUSTER, cluster=ward.cluster)
    where_ward = f"{ward.name} ({ward.borough.name})"
    # One hash for all: the nine logins share one published password, and hashing it nine
    # times would cost seconds for nothing.
    password = make_password(DEMO_PASSWORD)
    logins = []
    for username, posting_team, role in (
        ("sergeant", team, PostingRole.SERGEANT),
        ("pc", team, PostingRole.PC),
        ("pcso", team, PostingRole.PCSO),
        ("inspector", cluster_team, PostingRole.INSPECTOR),
    ):
        _posted_login(username, posting_team, role, password, today)
        where = where_ward if posting_team.kind == Team.Kind.WARD else posting_team.name
        logins.append(DemoLogin(username, role.label, where))

    for username, assigned, borough, place in (
        ("panel_chair", RoleAssignment.Role.PANEL_CHAIR, None, ward),
        ("panel_member", RoleAssignment.Role.PANEL_MEMBER, None, ward),
        ("borough_manager", RoleAssignment.Role.BOROUGH_MANAGER, ward.borough, None),
        ("central_analyst", RoleAssignment.Role.CENTRAL_ANALYST, None, None),
        ("admin", RoleAssignment.Role.ADMINISTRATOR, None, None),
    ):
        user = _login_user(username, password)
        if username == "admin" and not (user.is_staff and user.is_superuser):
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        if not RoleAssignment.objects.filter(
            user=user, role=assigned, borough=borough, ward=place
        ).exists():
            services.assign_role(
                acting_user=None, user=user, role=assigned, borough=borough, ward=place
            )
        where = where_ward if place else borough.name if borough else "London"
        logins.append(DemoLogin(username, assigned.label, where))
    return logins


def _posted_login(
    username: str, team: Team, role: PostingRole, password: str, today: dt.date
) -> None:
    """Give a demo officer login a current posting on ``team``.

    The login takes over a generated officer already in the post, so the team's strength stays
    as generated; if the post is vacant, a new person fills it.
    """
    user = User.objects.filter(username=username).first()
    if user is None:
        holder = (
            Posting.objects.current(today)
            .filter(team=team, role=role, person__password__startswith="!")
            .exclude(person__username__in=DEMO_USERNAMES)
            .select_related("person")
            .order_by("start_date", "pk")
            .first()
        )
        if holder is not None:
            user = holder.person
            user.username, user.password = username, password
            user.save(update_fields=["username", "password"])
            return
        user = _login_user(username, password)
    if not Posting.objects.current(today).filter(person=user, team=team, role=role).exists():
        services.add_posting(
            acting_user=None,
            team=team,
            role=role,
            start_date=today - dt.timedelta(days=200),
            person=user,
        )


def _login_user(username: str, password: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        first, last = _DEMO_NAMES[username]
        user = User.objects.create(
            username=username, first_name=first, last_name=last, password=password
        )
    return user


# Summary -----------------------------------------------------------------------------------


def _measure(today: dt.date, report: DemoReport) -> None:
    """Count the current strength of Met ward teams, for the report."""
    current_wards = Ward.objects.current(today).filter(borough__is_met=True)
    postings = Posting.objects.current(today).filter(
        team__kind=Team.Kind.WARD, team__ward__in=current_wards
    )
    report.ward_strength = dict(
        postings.values_list("role").annotate(n=Count("pk")).values_list("role", "n")
    )
    report.staffed_wards = postings.values("team__ward").distinct().count()
