"""Markdown for educators' text, sanitised by an allow-list before it reaches a page.

Prompts, choices, feedback and explanations may use emphasis, lists, links and
code. Markdown passes raw HTML through, so its output goes through nh3 (the
ammonia sanitiser): only the tags and attributes below survive, links keep only
http(s) and mailto schemes, and everything else (script, event handlers,
javascript: URLs, styles) is removed.
"""

from __future__ import annotations

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

from lessons.masking import MASK

BLOCK_TAGS = {"p", "ul", "ol", "li", "em", "strong", "code", "pre", "a", "br", "blockquote"}
INLINE_TAGS = {"em", "strong", "code", "a", "br"}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _sanitise(html: str, tags: set[str]) -> str:
    return nh3.clean(
        html,
        tags=tags,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text: str) -> SafeString:
    """Block Markdown (paragraphs, lists) as safe HTML."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return mark_safe(_sanitise(html, BLOCK_TAGS))  # sanitised just above


def render_markdown_inline(text: str) -> SafeString:
    """Inline Markdown (emphasis, code, links) without a wrapping paragraph."""
    html = markdown.markdown(text or "", output_format="html").strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(_sanitise(html, INLINE_TAGS))  # sanitised just above


BLANK = "____"
BLANK_HTML = '<span class="blank"><span class="visually-hidden">blank</span></span>'
# A tag of the sanitiser's output: it quotes every attribute with " and escapes
# < > " inside values, so a tag ends at the first > outside quotes.
_TAG = re.compile(r'(<[^>"]*(?:"[^"]*"[^>"]*)*>)')


def render_prompt_inline(text: str) -> SafeString:
    """A prompt as inline Markdown with each ____ shown as a visible, spoken
    blank. The blank goes into text between tags only, never into a tag or an
    attribute (a link's title), where markup would break the tag open."""
    html = render_markdown_inline(text)
    parts = _TAG.split(str(html))
    # split() with one group alternates text and tags: even indexes are text.
    for index in range(0, len(parts), 2):
        parts[index] = parts[index].replace(BLANK, BLANK_HTML)
    return mark_safe("".join(parts))  # sanitised, then only our own span added


MASK_HTML = '<span class="masked">hidden</span>'


def show_masks(html: str) -> SafeString:
    """Safe HTML with each masking.MASK shown as a visible, spoken "hidden".
    Like the blank, only into text between tags."""
    parts = _TAG.split(str(html))
    for index in range(0, len(parts), 2):
        parts[index] = parts[index].replace(MASK, MASK_HTML)
    return mark_safe("".join(parts))  # safe HTML in, only our own span added
