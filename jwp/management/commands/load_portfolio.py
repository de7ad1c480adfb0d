from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jwp.portfolio import PORTFOLIO_FILE, PortfolioError, portfolio_load, read_portfolio


class Command(BaseCommand):
    help = (
        "Load the Cities Alliance portfolio (windows, instruments, themes, places, partners, "
        "programmes, JWPs, outputs, lessons, documents) and publish what it creates. "
        "Idempotent: existing rows are kept unless --update is given; nothing is deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=PORTFOLIO_FILE, help="content file (TOML)")
        parser.add_argument(
            "--update",
            action="store_true",
            help="overwrite existing rows whose fields differ from the file",
        )

    def handle(self, *args, file: Path, update: bool, **options):
        try:
            report = portfolio_load(data=read_portfolio(file), update=update)
        except PortfolioError as error:
            raise CommandError(f"Nothing was loaded. {error}") from None
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if report.changed:
            self.stdout.write(self.style.SUCCESS("Portfolio loaded."))
        else:
            self.stdout.write(self.style.SUCCESS("Portfolio already up to date: nothing changed."))
