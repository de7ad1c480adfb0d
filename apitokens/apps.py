from django.apps import AppConfig


class APITokensConfig(AppConfig):
    name = "apitokens"
    verbose_name = "API tokens"
