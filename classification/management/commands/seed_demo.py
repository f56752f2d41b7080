from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from candidates import demo as candidates_demo
from classification import demo as classification_demo
from classification.titles import ensure_titles
from facilities import demo as facilities_demo
from facilities.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Create the demo users and demo data (idempotent). Refuses to run with DEBUG off."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates users with a known password; it runs only with DEBUG on."
            )
        with transaction.atomic():
            # Order matters: people and positions refer to facilities and users.
            facilities_demo.seed(self.stdout)
            ensure_titles(apps)  # reference data a flushed database lacks
            candidates_demo.seed(self.stdout)
            classification_demo.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/"))
        names = ", ".join(username for username, *_ in DEMO_USERS)
        self.stdout.write(f"  users: {names}\n  password for all: {DEMO_PASSWORD}")
