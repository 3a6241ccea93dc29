"""{% manual_url %} for the help link of base.html; {% screen %} for a screenshot with its Thai caption."""

from pathlib import Path

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html

from manual.personas import manual_url_for

register = template.Library()

SCREENS = "manual/screens"
SCREEN_SIZE = (390, 780)  # a phone held upright, as the browser test takes them


@register.simple_tag(takes_context=True)
def manual_url(context) -> str:
    request = context.get("request")
    return manual_url_for(getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def screen(context, name: str, caption: str) -> str:
    """A screenshot taken by tests/browser/test_manual_screenshots.py. In the PDF the image is read from the
    file itself (file://), so WeasyPrint embeds it without asking the web server for it."""
    path = f"{SCREENS}/{name}.png"
    if context.get("pdf"):
        found = finders.find(path)
        if not found:
            return format_html('<p class="screen-missing">[{}]</p>', caption)
        src = Path(found).as_uri()
    else:
        src = static(path)
    return format_html('<figure class="screen"><img src="{}" alt="{}" loading="lazy" width="{}" height="{}">'
                       "<figcaption>{}</figcaption></figure>", src, caption, *SCREEN_SIZE, caption)
