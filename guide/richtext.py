"""Restricted rich text for the guide: only the features GUIDE_SCHEMA.md allows, and never script.

Wagtail trusts stored rich text when it renders it, so every path that turns text into a value runs
it through the same whitelist Wagtail uses for editor input: elements outside the list are unwrapped,
attributes outside the list (onerror=, style=) are dropped, and hrefs with a javascript: scheme go.
"""

from bs4 import BeautifulSoup
from django.utils.functional import SimpleLazyObject
from wagtail.blocks import RichTextBlock
from wagtail.rich_text import RichText

# <p> is always allowed; these add h2, h3, lists, bold/italic (stored as <b>/<i>) and links.
GUIDE_RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link"]


def _build_converter():
    # Imported late: Wagtail's admin rich-text package loads models, which is not allowed at import time.
    from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

    return EditorHTMLConverter(features=GUIDE_RICH_TEXT_FEATURES)


_converter = SimpleLazyObject(_build_converter)
# The whitelist unwraps unknown elements and keeps their text; these carry code, not words, so they go whole.
_DROPPED_WITH_CONTENT = ["script", "style", "template", "iframe", "object", "noscript"]


def clean_guide_html(html: str) -> str:
    """Return html with everything outside the guide's features removed (script, event handlers, styles)."""
    if not html:
        return ""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(_DROPPED_WITH_CONTENT):
        element.decompose()
    return _converter.to_database_format(str(soup))


class GuideRichTextBlock(RichTextBlock):
    """A RichTextBlock that whitelists on the way in (editor, seed) and on the way out (render)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("features", GUIDE_RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    def to_python(self, value: str) -> RichText:
        return RichText(clean_guide_html(value))

    def get_prep_value(self, value: RichText | str) -> str:
        source = value.source if isinstance(value, RichText) else value
        return clean_guide_html(source)

    def clean(self, value: RichText) -> RichText:
        return super().clean(RichText(clean_guide_html(value.source)))

    class Meta:
        icon = "pilcrow"
