#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "snt_portal.settings")
    # A checkout with nothing configured (no key, no DEBUG) runs commands as local development,
    # so `manage.py makemigrations --check` and friends work out of the box. Served processes
    # (gunicorn, Celery) read settings directly and still refuse to start without a key.
    if not ({"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG"} & os.environ.keys()):
        os.environ["DEBUG"] = "true"
        print(
            "manage.py: no SECRET_KEY or DEBUG set; running as local development (DEBUG=true).",
            file=sys.stderr,
        )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
