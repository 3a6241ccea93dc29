"""Reference names in the reader's language: the Thai name, or the English one on the English interface."""

from core.thai import reader_is_english


def local_name(item) -> str:
    """`item.name_en` when the active language is English and the item has one, else `item.name_th`."""
    if item is None:
        return ""
    english = getattr(item, "name_en", "")
    if english and reader_is_english():
        return english
    return item.name_th
