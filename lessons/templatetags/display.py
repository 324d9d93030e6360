from django import template
from django.conf import settings
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from lessons import exports, masking, rich_text, scoring
from lessons.models import Response

register = template.Library()


@register.simple_tag
def site_name() -> str:
    # A tag rather than a context processor: emails are rendered without a request.
    return settings.SITE_NAME


@register.filter
def learner_name(user) -> str:
    """A learner as instructors know them: real name first, then the username
    to tell two Adas apart ("Ada Lovelace (learner2)"); the username alone if
    they gave no name."""
    full_name = user.get_full_name()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


@register.filter
def markdown(text: str) -> SafeString:
    return rich_text.render_markdown(text)


@register.filter
def markdown_inline(text: str) -> SafeString:
    return rich_text.render_markdown_inline(text)


@register.filter
def highlight(sentence: str, words: str) -> SafeString:
    """The sentence, escaped, with the first occurrence of `words` in <mark>."""
    if not words or words not in sentence:
        return escape(sentence)
    before, _, after = sentence.partition(words)
    return format_html("{}<mark>{}</mark>{}", before, words, after)


@register.filter
def show_masks(html: SafeString) -> SafeString:
    """After markdown or highlight: the parts masking hid, shown as hidden."""
    return rich_text.show_masks(html)


@register.filter
def is_withheld(text: str) -> bool:
    """Whether feedback withheld the whole text until the results (masking)."""
    return masking.is_withheld(text)


@register.filter
def prompt_inline(text: str) -> SafeString:
    """A prompt's Markdown, with each ____ shown as a visible, spoken blank."""
    return rich_text.render_prompt_inline(text)


@register.filter
def percent(value) -> str:
    """A share as a whole percentage, rounded as lessons.scoring rounds it."""
    return scoring.percent_label(value)


@register.filter
def attempt_kind(attempt) -> str:
    """ "Retry of missed questions" or "Full attempt" (lessons.scoring)."""
    return scoring.attempt_kind_label(attempt)


@register.filter
def duration(value) -> str:
    """A timedelta as people say it: "45 s", "3 min 12 s", "1 h 5 min"."""
    if value is None:
        return "–"
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s"


@register.filter
def option_share(stats, choice_id: int) -> float | None:
    """The share of a question's responses that picked this choice."""
    return stats.option_share(choice_id)


@register.filter
def answer_text(response: Response) -> str:
    """The answer as the learner saw it: the texts of the choices picked, from
    the question as it stood then, or the text typed."""
    return exports.answer_text(response.answer, response.question_version.content)
