import factory

from accounts import services
from accounts.models import User

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.Factory):
    """Users made the way the product makes them (profile, preferences, progress, e-mail row)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    name = factory.LazyAttribute(lambda o: o.username.title())
    password = PASSWORD
    email_verified = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.user_create(**kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("Use create(): users need their related rows.")
