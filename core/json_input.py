"""JSON bodies say their types, so an API input takes them as written: `"title": 0` is not a
title and `"done": "yes"` is not a boolean (DRF's fields would quietly convert both, for forms).
Input serializers mix in StrictJSONTypes; forms and query strings are unaffected."""

from django.http import QueryDict
from rest_framework import serializers

_ANY = object()


def _expected(field):
    """The JSON type(s) a field takes, or _ANY."""
    if isinstance(field, (serializers.JSONField, serializers.HiddenField, serializers.SerializerMethodField)):
        return _ANY
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.IntegerField):
        return (int,)
    if isinstance(field, (serializers.FloatField, serializers.DecimalField)):
        return (int, float)
    if isinstance(field, (serializers.ListField, serializers.ListSerializer, serializers.MultipleChoiceField)):
        return (list,)
    if isinstance(field, (serializers.DictField, serializers.Serializer)):
        return (dict,)
    if isinstance(field, serializers.ChoiceField):
        kinds = {type(choice) for choice in field.choices}
        return tuple(kinds) if kinds <= {str, int} else _ANY
    if isinstance(field, serializers.CharField):
        return (str,)
    return _ANY


def json_type_error(field, value) -> str | None:
    if value is None:
        return None  # allow_null decides
    expected = _expected(field)
    if expected is _ANY:
        return None
    if isinstance(value, bool) and bool not in expected:
        return "Wrong JSON type."
    if not isinstance(value, expected):
        return f"Expected {' or '.join(_NAMES[kind] for kind in expected)}."
    child = getattr(field, "child", None)
    if isinstance(value, list) and child is not None:
        for item in value:
            if problem := json_type_error(child, item):
                return problem
    if isinstance(value, dict) and isinstance(field, serializers.DictField) and child is not None:
        for item in value.values():
            if problem := json_type_error(child, item):
                return problem
    if isinstance(value, dict) and isinstance(field, serializers.Serializer):
        return next((p for name, f in field.fields.items() if name in value
                     if (p := json_type_error(f, value[name]))), None)
    return None


_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "a boolean", list: "an array",
          dict: "an object"}


class StrictJSONTypes(serializers.Serializer):
    """Mixed in before a (Model)Serializer: its `to_internal_value` checks the JSON types first."""

    def to_internal_value(self, data):
        if isinstance(data, dict) and not isinstance(data, QueryDict):
            errors = {name: [problem] for name, field in self.fields.items()
                      if not field.read_only and name in data
                      if (problem := json_type_error(field, data[name]))}
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
