"""Markdown for educators' text, sanitised by an allow-list before it reaches a page.

Prompts, choices, feedback and explanations may use emphasis, lists, links and
code. Markdown passes raw HTML through, so its output goes through nh3 (the
ammonia sanitiser): only the tags and attributes below survive, links keep only
http(s) and mailto schemes, and everything else (script, event handlers,
javascript: URLs, styles) is removed.

Markdown and the sanitiser are most of a text-heavy page's CPU (issue 16.6),
so each rendering is cached under a hash of its text: an edited notice,
lesson text or explanation has a new hash and is rendered anew at once, and
no rendering can go stale. A bounded map in the process comes first (a Redis
round trip costs about what rendering a short text does), Django's cache
second (Redis in production, shared by every app server). RENDER_VERSION is
part of the key: raise it when the allow-list or the extensions change.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

import markdown
import nh3
from django.core.cache import cache
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


RENDER_VERSION = 1
RENDER_CACHE_SECONDS = 7 * 24 * 3600
LOCAL_RENDERINGS = 2048  # per process; a few MB at most for course-sized texts


class _Renderings:
    """The process's most recently used renderings, at most `size` of them."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, str] = OrderedDict()
        self.lock = Lock()  # gunicorn threads share the map

    def get(self, key: str) -> str | None:
        with self.lock:
            html = self.items.get(key)
            if html is not None:
                self.items.move_to_end(key)
            return html

    def put(self, key: str, html: str) -> None:
        with self.lock:
            self.items[key] = html
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_local = _Renderings(LOCAL_RENDERINGS)


def _cached(kind: str, text: str, render: Callable[[str], str]) -> SafeString:
    if not text:
        return mark_safe(render(""))  # sanitised by render
    digest = hashlib.blake2b(text.encode(), digest_size=20).hexdigest()
    key = f"markdown:{RENDER_VERSION}:{kind}:{digest}"
    html = _local.get(key)
    if html is None:
        html = cache.get(key)
        if html is None:
            html = render(text)
            cache.set(key, html, RENDER_CACHE_SECONDS)
        _local.put(key, html)
    return mark_safe(html)  # sanitised by render, before it was cached


def _block(text: str) -> str:
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return _sanitise(html, BLOCK_TAGS)


def _inline(text: str) -> str:
    html = markdown.markdown(text, output_format="html").strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return _sanitise(html, INLINE_TAGS)


def render_markdown(text: str) -> SafeString:
    """Block Markdown (paragraphs, lists) as safe HTML."""
    return _cached("block", text or "", _block)


def render_markdown_inline(text: str) -> SafeString:
    """Inline Markdown (emphasis, code, links) without a wrapping paragraph."""
    return _cached("inline", text or "", _inline)


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
        parts[index] = _with_its_punctuation(BLANK, BLANK_HTML, parts[index])
    return mark_safe("".join(parts))  # sanitised, then only our own span added


def _with_its_punctuation(marker: str, shown: str, text: str) -> str:
    """The marker shown as `shown`, kept on one line with the punctuation
    right after it: a blank or a mask is a box, and the line would otherwise
    break between it and its full stop (a new user saw a '.' alone on a line)."""
    pattern = re.escape(marker) + r"([.,;:!?)\]'’\"”]+)?"

    def box(found: re.Match) -> str:
        if not found[1]:
            return shown
        return f'<span class="keep-together">{shown}{found[1]}</span>'

    return re.sub(pattern, box, text)


# Not a word of the sentence: dots that a reader sees as a gap, and for a
# screen reader "(hidden)" ("Most leiomyosarcomas are hidden." read as a
# statement, said a new user).
MASK_HTML = (
    '<span class="masked"><span aria-hidden="true">\u2009···\u2009</span>'
    '<span class="visually-hidden">(hidden)</span></span>'
)


def show_masks(html: str) -> SafeString:
    """Safe HTML with each masking.MASK shown as a visible, spoken "hidden".
    Like the blank, only into text between tags."""
    parts = _TAG.split(str(html))
    for index in range(0, len(parts), 2):
        parts[index] = _with_its_punctuation(MASK, MASK_HTML, parts[index])
    return mark_safe("".join(parts))  # safe HTML in, only our own span added
