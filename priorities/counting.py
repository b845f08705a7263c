"""Counting a panel's priority ballot: approval voting with a limit, pure and deterministic.

The rule, as the README states it:

1. **Papers.** Each member present approves between 1 and ``max_choices`` different candidates
   (by default "choose up to 3"). A paper outside that is invalid and is never counted.
2. **Count.** A candidate's score is the number of papers that approve it.
3. **Winners.** The ``seats`` candidates with the most approvals win (3 by default). A
   candidate nobody approved is never adopted: if fewer than ``seats`` candidates have any
   approvals, the remaining seats stay empty.
4. **Ties.** A tie only matters when it crosses the boundary: when candidates with equal
   approvals compete for the last seat or seats. The chair then gives a casting vote, an
   ordered preference over the tied candidates; the first ones in that order take the seats
   left. Without a casting vote the count stops with an error naming the tied candidates. A
   casting vote given when there is no such tie is ignored; it never changes anything else.
5. **Order.** Candidates are ranked by approvals, most first; equal approvals share a rank
   (1, 2, 2, 4), listed in ballot order. The order of the papers never matters.

Why approval voting: members vote on a phone in the room, in one step ("tick up to three"),
the count is one number per candidate that a secret ballot can keep without recording any
paper's choices, and a priority supported by most of the room cannot lose to a narrow faction
as it can under first-past-the-post. A ranked method would need each paper's full ranking
kept until the count, which a secret ballot holding only per-candidate counts cannot do.

Nothing here touches the database: ``count_papers`` and ``decide`` take plain values and
return a ``BallotResult`` whose ``as_json()`` is what a closed ballot stores.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

RULE = "approval"


class CountingError(ValueError):
    """The count cannot be made from these inputs."""


class InvalidPaper(CountingError):
    """A paper approves nothing, too many, the same candidate twice, or an unknown one."""


class TieNeedsCastingVote(CountingError):
    """Candidates tie for the last seat(s) and the chair's casting vote is missing or does
    not settle it."""

    def __init__(self, *, tied: Sequence[int], seats_left: int, labels: Mapping[int, str]):
        self.tied = list(tied)
        self.seats_left = seats_left
        names = _join([labels.get(c, str(c)) for c in self.tied])
        seats = "the last seat" if seats_left == 1 else f"the last {seats_left} seats"
        super().__init__(
            f"{names} tie for {seats}: the chair's casting vote must choose {seats_left} of them."
        )


@dataclass(frozen=True)
class CandidateResult:
    id: int
    label: str
    approvals: int
    rank: int  # 1 = most approvals; equal approvals share a rank
    elected: bool


@dataclass(frozen=True)
class BallotResult:
    """The outcome of a count: everything a closed ballot stores and shows."""

    seats: int
    papers: int
    candidates: tuple[CandidateResult, ...]  # ranked: most approvals first
    winners: tuple[int, ...]  # in ranked order
    tied: tuple[int, ...]  # the candidates tied across the boundary (empty: none)
    casting_vote: tuple[int, ...] | None  # as the chair gave it, when it was used
    decided_by_casting_vote: bool

    def approvals(self) -> dict[int, int]:
        return {c.id: c.approvals for c in self.candidates}

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": RULE,
            "seats": self.seats,
            "papers": self.papers,
            "candidates": [
                {
                    "id": c.id,
                    "label": c.label,
                    "approvals": c.approvals,
                    "rank": c.rank,
                    "elected": c.elected,
                }
                for c in self.candidates
            ],
            "winners": list(self.winners),
            "tied": list(self.tied),
            "casting_vote": list(self.casting_vote) if self.casting_vote is not None else None,
            "decided_by_casting_vote": self.decided_by_casting_vote,
        }


def _join(names: Sequence[str]) -> str:
    quoted = [f"“{n}”" for n in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def tally(
    papers: Iterable[Collection[int]], *, candidates: Collection[int], max_choices: int
) -> tuple[dict[int, int], int]:
    """Approvals per candidate (every candidate present, zero included) and the number of
    papers. Raises ``InvalidPaper`` for a paper the rule does not allow."""
    if max_choices < 1:
        raise CountingError("Members must be able to choose at least one candidate.")
    known = set(candidates)
    counts: Counter[int] = Counter()
    n = 0
    for paper in papers:
        choices = list(paper)
        if not choices:
            raise InvalidPaper("A paper must approve at least one candidate.")
        if len(choices) > max_choices:
            raise InvalidPaper(f"A paper may approve at most {max_choices} candidates.")
        if len(set(choices)) != len(choices):
            raise InvalidPaper("A paper approves each candidate at most once.")
        if not known.issuperset(choices):
            raise InvalidPaper("A paper approves a candidate that is not on the ballot.")
        counts.update(choices)
        n += 1
    return {c: counts[c] for c in candidates}, n


def decide(
    approvals: Mapping[int, int],
    *,
    seats: int,
    papers: int,
    labels: Mapping[int, str] | None = None,
    casting_vote: Sequence[int] | None = None,
) -> BallotResult:
    """Apply the rule to approvals per candidate (in ballot order: the order of the mapping).

    ``labels`` name candidates in errors and in the stored result; ``casting_vote`` is the
    chair's ordered preference over the candidates tied for the last seat(s).
    """
    if seats < 1:
        raise CountingError("A ballot adopts at least one priority.")
    if any(n < 0 for n in approvals.values()):
        raise CountingError("Approvals cannot be negative.")
    labels = labels or {}
    ballot_order = {c: i for i, c in enumerate(approvals)}
    ranked = sorted(approvals, key=lambda c: (-approvals[c], ballot_order[c]))
    approved = [c for c in ranked if approvals[c] > 0]

    tied: list[int] = []
    used_casting: tuple[int, ...] | None = None
    if len(approved) <= seats:
        winners = approved
    else:
        boundary = approvals[approved[seats - 1]]
        above = [c for c in approved if approvals[c] > boundary]
        level = [c for c in approved if approvals[c] == boundary]
        seats_left = seats - len(above)
        if len(level) == seats_left:
            winners = above + level
        else:
            tied = level
            chosen = _apply_casting_vote(tied, seats_left, casting_vote, labels)
            used_casting = tuple(casting_vote or ())
            # Winners stay in ranked (then ballot) order, whatever order the chair gave.
            winners = above + [c for c in level if c in chosen]

    elected = set(winners)
    rank_of: dict[int, int] = {}
    for position, c in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        same = previous is not None and approvals[previous] == approvals[c]
        rank_of[c] = rank_of[previous] if same and previous is not None else position
    return BallotResult(
        seats=seats,
        papers=papers,
        candidates=tuple(
            CandidateResult(
                id=c,
                label=labels.get(c, str(c)),
                approvals=approvals[c],
                rank=rank_of[c],
                elected=c in elected,
            )
            for c in ranked
        ),
        winners=tuple(winners),
        tied=tuple(tied),
        casting_vote=used_casting,
        decided_by_casting_vote=bool(tied),
    )


def _apply_casting_vote(
    tied: Sequence[int],
    seats_left: int,
    casting_vote: Sequence[int] | None,
    labels: Mapping[int, str],
) -> set[int]:
    """The tied candidates the casting vote elects: the first ``seats_left`` of its order."""
    if not casting_vote:
        raise TieNeedsCastingVote(tied=tied, seats_left=seats_left, labels=labels)
    if len(set(casting_vote)) != len(casting_vote):
        raise CountingError("The casting vote names each candidate once.")
    strays = [c for c in casting_vote if c not in tied]
    if strays:
        raise CountingError(
            f"The casting vote can only choose between the tied candidates, not "
            f"{_join([labels.get(c, str(c)) for c in strays])}."
        )
    if len(casting_vote) < seats_left:
        raise TieNeedsCastingVote(tied=tied, seats_left=seats_left, labels=labels)
    return set(casting_vote[:seats_left])


def count_papers(
    papers: Iterable[Collection[int]],
    *,
    candidates: Sequence[int],
    max_choices: int,
    seats: int,
    labels: Mapping[int, str] | None = None,
    casting_vote: Sequence[int] | None = None,
) -> BallotResult:
    """Count whole papers (an open ballot, or a test): ``tally`` then ``decide``."""
    approvals, n = tally(papers, candidates=candidates, max_choices=max_choices)
    return decide(approvals, seats=seats, papers=n, labels=labels, casting_vote=casting_vote)
