"""Where uploaded files live: the STORAGES entries built from the environment.

Two stores, so that nothing private can be reached by a public URL:
- `default` is public (avatars): files under MEDIA_ROOT served at MEDIA_URL, or an S3 location whose
  objects are world-readable with plain (unsigned, cacheable) URLs.
- `private` (resumes, and whatever else is only for its owner): a directory outside MEDIA_ROOT that no
  URL serves, or an S3 location with private objects, reached only through a permission-checked
  view that redirects to a short-lived signed URL.
"""

from collections.abc import Mapping
from pathlib import Path


def storages_from_environment(environ: Mapping[str, str], *, media_root: Path, private_root: Path) -> dict:
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        if private_root.resolve().is_relative_to(media_root.resolve()):
            raise RuntimeError(f"PRIVATE_MEDIA_ROOT ({private_root}) must not be inside MEDIA_ROOT ({media_root}): "
                               "everything under MEDIA_ROOT is served at MEDIA_URL.")
        return {
            "default": {"BACKEND": "core.file_storage.LocalFileSystemStorage"},
            # No URL: core.file_storage streams these to whoever a view has checked.
            "private": {"BACKEND": "core.file_storage.PrivateFileSystemStorage",
                        "OPTIONS": {"location": str(private_root)}},
        }
    common = {
        "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("AWS_S3_REGION_NAME") or None,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    public_acl = environ.get("AWS_PUBLIC_ACL", "public-read")
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": environ.get("AWS_PUBLIC_BUCKET_NAME") or bucket,
                "location": environ.get("AWS_PUBLIC_LOCATION", "public"),
                # Empty: no ACL header (buckets with ACLs disabled make the location public by policy).
                "default_acl": public_acl or None,
                "querystring_auth": False,
                "custom_domain": environ.get("AWS_S3_PUBLIC_DOMAIN") or None,
            },
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": bucket,
                "location": environ.get("AWS_PRIVATE_LOCATION", "private"),
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": int(environ.get("AWS_PRIVATE_URL_SECONDS", 60)),
                # A CDN domain would make signed URLs unsigned: never for private objects.
                "custom_domain": None,
            },
        },
    }
