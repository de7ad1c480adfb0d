from django.apps import AppConfig


class JwpConfig(AppConfig):
    name = "jwp"
    verbose_name = "Joint Work Programmes, outputs and lessons"
