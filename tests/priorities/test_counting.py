"""The counting rule (priorities.counting): properties checked with hypothesis, and examples."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from priorities.counting import (
    BallotResult,
    CountingError,
    InvalidPaper,
    TieNeedsCastingVote,
    count_papers,
    decide,
    tally,
)


@dataclass(frozen=True)
class Election:
    candidates: list[int]
    max_choices: int
    seats: int
    papers: list[frozenset[int]]

    @property
    def labels(self) -> dict[int, str]:
        return {c: f"Issue {c}" for c in self.candidates}

    def count(
        self,
        papers: list[frozenset[int]] | None = None,
        casting_vote: Sequence[int] | None = None,
    ) -> BallotResult:
        return count_papers(
            self.papers if papers is None else papers,
            candidates=self.candidates,
            max_choices=self.max_choices,
            seats=self.seats,
            labels=self.labels,
            casting_vote=casting_vote,
        )

    def approvals(self) -> dict[int, int]:
        return {c: sum(c in p for p in self.papers) for c in self.candidates}


@st.composite
def elections(draw: st.DrawFn) -> Election:
    candidates = draw(st.lists(st.integers(1, 10_000), min_size=1, max_size=8, unique=True))
    max_choices = draw(st.integers(1, len(candidates)))
    seats = draw(st.integers(1, min(len(candidates), 4)))
    paper = st.frozensets(st.sampled_from(candidates), min_size=1, max_size=max_choices)
    papers = draw(st.lists(paper, max_size=20))
    return Election(candidates, max_choices, seats, papers)


def _outcome(
    e: Election, papers: list[frozenset[int]] | None = None
) -> BallotResult | tuple[str, frozenset[int], int]:
    """The result, or the tie that stopped the count."""
    try:
        return e.count(papers)
    except TieNeedsCastingVote as tie:
        return ("tie", frozenset(tie.tied), tie.seats_left)


def _boundary(e: Election) -> tuple[set[int], set[int], int] | None:
    """Independently of the module: (sure winners, tied, seats left) when candidates with
    approvals tie across the last seat, else None."""
    approvals = e.approvals()
    approved = sorted((n for n in approvals.values() if n > 0), reverse=True)
    if len(approved) <= e.seats:
        return None
    cut = approved[e.seats - 1]
    above = {c for c, n in approvals.items() if n > cut}
    level = {c for c, n in approvals.items() if n == cut}
    if len(above) + len(level) == e.seats:
        return None
    return above, level, e.seats - len(above)


@given(elections())
def test_tally_counts_each_approval_once(e: Election) -> None:
    counts, papers = tally(e.papers, candidates=e.candidates, max_choices=e.max_choices)
    assert counts == e.approvals()
    assert papers == len(e.papers)
    assert list(counts) == e.candidates  # every candidate, zero included, in ballot order


@given(elections(), st.randoms(use_true_random=False))
def test_the_order_of_the_papers_never_matters(e: Election, rnd: object) -> None:
    shuffled = list(e.papers)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert _outcome(e) == _outcome(e, papers=shuffled)


@given(elections())
def test_without_a_tie_the_winners_are_exactly_the_top_seats(e: Election) -> None:
    approvals = e.approvals()
    if _boundary(e) is not None:
        with pytest.raises(TieNeedsCastingVote):
            e.count()
        return
    result = e.count()
    approved = [c for c in e.candidates if approvals[c] > 0]
    assert len(result.winners) == min(e.seats, len(approved))
    if result.winners:
        lowest_winner = min(approvals[c] for c in result.winners)
        # Everyone with more approvals than the lowest winner is a winner, and no-one with
        # as many approvals was left out (that would have been a tie).
        assert {c for c in approved if approvals[c] >= lowest_winner} == set(result.winners)
    assert not result.decided_by_casting_vote and result.tied == ()
    assert result.casting_vote is None


@given(elections(), st.data())
def test_every_winner_has_at_least_the_approvals_of_every_loser(
    e: Election, data: st.DataObject
) -> None:
    boundary = _boundary(e)
    casting = None
    if boundary is not None:
        _, tied, _ = boundary
        casting = data.draw(st.permutations(sorted(tied)))
    result = e.count(casting_vote=casting)
    approvals = result.approvals()
    losers = set(e.candidates) - set(result.winners)
    for w in result.winners:
        assert approvals[w] > 0
        for loser in losers:
            assert approvals[w] >= approvals[loser]
    assert [c.id for c in result.candidates if c.elected] == list(result.winners)


@given(elections(), st.data())
def test_the_casting_vote_only_decides_the_tie(e: Election, data: st.DataObject) -> None:
    boundary = _boundary(e)
    if boundary is None:
        # With no tie a casting vote, whatever it says, changes nothing.
        anything = data.draw(st.lists(st.sampled_from(e.candidates), unique=True))
        assert e.count(casting_vote=anything) == e.count()
        return
    above, tied, seats_left = boundary
    with pytest.raises(TieNeedsCastingVote) as caught:
        e.count()
    assert set(caught.value.tied) == tied and caught.value.seats_left == seats_left
    for c in tied:
        assert e.labels[c] in str(caught.value)
    order = data.draw(st.permutations(sorted(tied)))
    result = e.count(casting_vote=order)
    assert set(result.winners) == above | set(order[:seats_left])
    assert result.decided_by_casting_vote and set(result.tied) == tied
    assert result.casting_vote == tuple(order)
    # Too short a casting vote, or one naming a candidate outside the tie, is refused.
    with pytest.raises(TieNeedsCastingVote):
        e.count(casting_vote=order[: seats_left - 1] or None)
    outsiders = sorted(set(e.candidates) - tied)
    if outsiders:
        with pytest.raises(CountingError, match="only choose between the tied"):
            e.count(casting_vote=[*order, outsiders[0]])


@given(elections(), st.data())
def test_the_winners_do_not_depend_on_the_order_candidates_are_listed(
    e: Election, data: st.DataObject
) -> None:
    reordered = Election(data.draw(st.permutations(e.candidates)), e.max_choices, e.seats, e.papers)
    if _boundary(e) is None:
        assert set(e.count().winners) == set(reordered.count().winners)
    else:
        tied = sorted(_boundary(e)[1])  # type: ignore[index]
        assert set(e.count(casting_vote=tied).winners) == set(
            reordered.count(casting_vote=tied).winners
        )


@settings(max_examples=50)
@given(elections(), st.data())
def test_the_stored_result_is_plain_json(e: Election, data: st.DataObject) -> None:
    boundary = _boundary(e)
    casting = data.draw(st.permutations(sorted(boundary[1]))) if boundary else None
    stored = e.count(casting_vote=casting).as_json()
    assert json.loads(json.dumps(stored)) == stored
    assert stored["rule"] == "approval" and stored["papers"] == len(e.papers)


@given(elections())
def test_ranks_follow_approvals_and_ties_share_a_rank(e: Election) -> None:
    boundary = _boundary(e)
    result = e.count(casting_vote=sorted(boundary[1]) if boundary else None)
    rows = result.candidates
    for before, after in itertools.pairwise(rows):
        assert before.approvals >= after.approvals
        assert (before.rank == after.rank) == (before.approvals == after.approvals)
    assert rows[0].rank == 1


# Examples ----------------------------------------------------------------------------------


def test_a_worked_example() -> None:
    papers = [{1, 2, 3}, {1, 2}, {1, 4}, {2, 3}, {3}]
    result = count_papers(
        papers, candidates=[1, 2, 3, 4, 5], max_choices=3, seats=3, labels={1: "Burglary"}
    )
    assert result.approvals() == {1: 3, 2: 3, 3: 3, 4: 1, 5: 0}
    assert result.winners == (1, 2, 3)
    assert [c.rank for c in result.candidates] == [1, 1, 1, 4, 5]
    assert result.candidates[0].label == "Burglary" and result.candidates[1].label == "2"


def test_a_tie_names_the_tied_candidates() -> None:
    labels = {1: "Burglary", 2: "Drugs", 3: "Speeding", 4: "Graffiti"}
    with pytest.raises(TieNeedsCastingVote) as caught:
        decide({1: 4, 2: 2, 3: 2, 4: 2}, seats=2, papers=5, labels=labels)
    assert str(caught.value) == (
        "“Drugs”, “Speeding” and “Graffiti” tie for the last seat: the chair's casting vote "
        "must choose 1 of them."
    )
    result = decide({1: 4, 2: 2, 3: 2, 4: 2}, seats=2, papers=5, labels=labels, casting_vote=[4, 2])
    assert result.winners == (1, 4) and result.tied == (2, 3, 4)


def test_nobody_approved_means_no_seat() -> None:
    result = decide({1: 2, 2: 0, 3: 0}, seats=3, papers=2)
    assert result.winners == (1,)
    assert decide({1: 0, 2: 0}, seats=1, papers=0).winners == ()


@pytest.mark.parametrize(
    ("paper", "message"),
    [
        (set(), "at least one"),
        ({1, 2, 3}, "at most 2"),
        ([1, 1], "at most once"),
        ({9}, "not on the ballot"),
    ],
)
def test_invalid_papers_are_refused(paper: object, message: str) -> None:
    with pytest.raises(InvalidPaper, match=message):
        tally([paper], candidates=[1, 2, 3], max_choices=2)  # type: ignore[list-item]
