"""Settings for the property-based form tests.

The "forms" profile is registered here and used explicitly by tests/forms (loading it would
change every hypothesis test in the session). It is derandomised, so CI draws the same bodies
on every run, and keeps no example database. SNT_FORM_EXAMPLES raises the number of bodies per
form for a longer hunt on a workstation (``SNT_FORM_EXAMPLES=300 make test ...``).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "forms",
    max_examples=int(os.environ.get("SNT_FORM_EXAMPLES", "25")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
