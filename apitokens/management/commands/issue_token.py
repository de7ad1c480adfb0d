"""python manage.py issue_token USERNAME --name "..." [--days N | --no-expiry]: the admin's
*Issue token* for operators. Prints the key once; the database keeps only its hash."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apitokens import services


class Command(BaseCommand):
    help = "Issue an API token for an account and print its key (shown this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")
        lifetime = parser.add_mutually_exclusive_group()
        lifetime.add_argument("--days", type=int, help="Valid this many days (API_TOKEN_DAYS).")
        lifetime.add_argument(
            "--no-expiry", action="store_true", help="Never expires (needs API_TOKEN_DAYS=none)."
        )

    def handle(self, *args, username, name, days, no_expiry, **options):
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No account named {username!r}.") from None
        expires = services.DEFAULT_LIFETIME
        if no_expiry:
            expires = None
        elif days is not None:
            if days < 1:
                raise CommandError("--days must be 1 or more.")
            expires = timezone.now() + timedelta(days=days)
        try:
            token, key = services.token_issue(user=user, name=name, expires=expires)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        until = f"until {token.expires:%Y-%m-%d %H:%M} UTC" if token.expires else "without expiry"
        self.stdout.write(f"Token {token.prefix}… for {user} ({name}), valid {until}.")
        self.stdout.write("The key, shown this once (the portal keeps only a hash):")
        self.stdout.write(key)
