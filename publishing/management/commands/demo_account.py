import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from publishing.roles import PUBLISHERS


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo staff account, a member of Publishers, with a new random "
        "password, and print the login. Development only: refuses when DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")

    def handle(self, *args, username: str, **options):
        if not settings.DEBUG:
            raise CommandError("The demo account is for development: set DEBUG=true to create it.")
        try:
            publishers = Group.objects.get(name=PUBLISHERS)
        except Group.DoesNotExist:
            raise CommandError("The Publishers group is missing: run migrate first.") from None
        password = secrets.token_urlsafe(12)
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        user.is_staff = True
        user.is_superuser = False
        user.set_password(password)
        user.save()
        user.groups.add(publishers)
        verb = "Created" if created else "Reset"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} the demo publisher account. Log in at http://127.0.0.1:8000/admin/ "
                f"as {username} / {password}"
            )
        )
