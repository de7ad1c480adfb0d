from django.core.management.base import BaseCommand

from jobs.services import public_files_regenerate


class Command(BaseCommand):
    help = (
        "Write the full published portfolio as IATI XML and CSV, the files the site links to "
        "(Celery beat does this every night)."
    )

    def handle(self, *args, **options):
        for public in public_files_regenerate():
            self.stdout.write(
                f"{public.filename}: {public.rows} rows, {public.size} bytes "
                f"-> {public.get_absolute_url()}"
            )
