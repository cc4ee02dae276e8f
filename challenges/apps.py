from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    name = "challenges"
    verbose_name = "Challenges"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the cache invalidation receivers)
