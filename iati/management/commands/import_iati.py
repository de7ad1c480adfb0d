from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from iati.importer import IatiImportError, iati_import


class Command(BaseCommand):
    help = (
        "Import an IATI 2.0x iati-activities file (ours or another publisher's) into programmes. "
        "New programmes are drafts; a programme whose iati-identifier is already here is "
        "updated, its publication state untouched. All or nothing: any error writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the iati-activities XML file")
        parser.add_argument(
            "--instrument",
            metavar="SLUG",
            help="instrument of the new programmes (default: the one global-initiative "
            "instrument, if there is exactly one)",
        )

    def handle(self, *args, file: Path, instrument: str | None, **options):
        try:
            report = iati_import(source=file, instrument_slug=instrument)
        except IatiImportError as error:
            problems = "\n".join(f"  {problem}" for problem in error.problems)
            raise CommandError(f"Nothing was imported from {file}.\n{problems}") from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Imported {file}."))
