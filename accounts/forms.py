"""Form fields that choose a unit or a level of the organisation."""

from __future__ import annotations

from django import forms

from accounts.models import Level, Unit
from core.forms import searchable


class UnitChoiceField(forms.ModelChoiceField):
    """A unit, shown as "4701 ที่ทำการปกครองอำเภอเมืองสกลนคร" in a list that can be searched by code or name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        searchable(self)

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.code} {obj.display_name}"


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Level) -> str:
        return f"{obj.name_th} ({obj.code})"
