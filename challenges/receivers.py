"""Cache invalidation only (DESIGN: signals never carry business logic): a challenge saved or
deleted, from a service, the admin or a seed, drops the list's kept filter choices
(selectors.challenge_facets): at once, for the rest of its own transaction, and again once it
commits, in case another request kept the old choices in between."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Challenge
from .selectors import challenge_facets_forget


@receiver(post_save, sender=Challenge, dispatch_uid="challenges.facets.saved")
@receiver(post_delete, sender=Challenge, dispatch_uid="challenges.facets.deleted")
def _challenge_changed(**_):
    challenge_facets_forget()
    transaction.on_commit(challenge_facets_forget)
