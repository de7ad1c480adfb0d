from django.apps import AppConfig


class FinancesConfig(AppConfig):
    name = "finances"
    verbose_name = "Money: budgets, planned disbursements, transactions"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import totals

        # After every migrate: the programme list's money triggers, and every total again.
        post_migrate.connect(totals.install_triggers, sender=self)
