from .recordings import recordings  # noqa: F401 (the session fixture)
