"""Forms for ballots (ballots.py) and for priorities, plans and reviews (plans.py)."""
