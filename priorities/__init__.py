"""Candidate issues, ballots, adopted priorities, action plans and reviews (issue 4)."""
