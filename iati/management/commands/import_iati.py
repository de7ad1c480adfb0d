from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from iati.importer import IatiImportError, iati_import
from publishing.services import OPERATOR


class Command(BaseCommand):
    help = (
        "Import an IATI 2.0x iati-activities file (ours or another publisher's) into programmes. "
        "New programmes are drafts; a programme whose iati-identifier is already here is "
        "updated, its publication state untouched. All or nothing: any error writes nothing. "
        "With --user, the import is that account's: its permissions apply, and a change to a "
        "published programme it may not publish waits for a Publisher as a revision."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the iati-activities XML file")
        parser.add_argument(
            "--instrument",
            metavar="SLUG",
            help="instrument of the new programmes (default: the one global-initiative "
            "instrument, if there is exactly one)",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="import as this staff account (default: as the operator, with every permission)",
        )

    def handle(self, *args, file: Path, instrument: str | None, user: str | None, **options):
        account = OPERATOR
        if user is not None:
            User = get_user_model()
            account = User._default_manager.filter(
                **{User.USERNAME_FIELD: user}, is_active=True
            ).first()
            if account is None:
                raise CommandError(f"No active account with the username {user!r}.")
        try:
            report = iati_import(source=file, instrument_slug=instrument, user=account)
        except IatiImportError as error:
            problems = "\n".join(f"  {problem}" for problem in error.problems)
            raise CommandError(f"Nothing was imported from {file}.\n{problems}") from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Imported {file}."))
