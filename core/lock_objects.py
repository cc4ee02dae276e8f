"""Row locks of core's own records (order: core.locks)."""

from .locks import lock_for_update
from .models import MediaAsset


def lock_media_asset_for_update(asset_id: int) -> MediaAsset | None:
    return lock_for_update(MediaAsset.objects.filter(id=asset_id)).first()
