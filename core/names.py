"""Reference names in the reader's language: the Thai name, or the English one on the English interface."""

from django.utils.translation import get_language


def local_name(item) -> str:
    """`item.name_en` when the active language is English and the item has one, else `item.name_th`."""
    if item is None:
        return ""
    english = getattr(item, "name_en", "")
    if english and (get_language() or "").startswith("en"):
        return english
    return item.name_th
