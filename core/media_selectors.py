"""Reads of media assets. Another user's asset is the same 404 as one that does not exist."""

from .exceptions import NotFound, first_or_not_found
from .models import MediaAsset

FILE_VARIANTS = ("original", "web", "poster")


def media_get_for_user(*, user, asset_id: int) -> MediaAsset:
    if not getattr(user, "is_authenticated", False):
        raise NotFound("No such recording.")
    return first_or_not_found(MediaAsset.objects.filter(id=asset_id, owner=user), "No such recording.")


def media_file_for_user(*, user, asset_id: int, variant: str):
    """The stored file of one variant, with its content type: the original, the playable copy (the
    original itself when it plays as it is) or the poster. 404 when there is none."""
    return media_file_of(asset=media_get_for_user(user=user, asset_id=asset_id), variant=variant)


def media_file_of(*, asset: MediaAsset, variant: str):
    """The stored file of one variant of an asset the caller has already checked access to (its
    owner, or a holder of a link that shares it): as media_file_for_user."""
    if variant == "original":
        return asset, asset.file, asset.content_type
    if variant == "web" and asset.status == "ready":
        if asset.web_copy:
            return asset, asset.web_copy, asset.web_content_type
        return asset, asset.file, asset.web_content_type or asset.content_type
    if variant == "poster" and asset.poster:
        return asset, asset.poster, "image/jpeg"
    raise NotFound("This recording has no such file (yet).", code="media_file_not_found")
