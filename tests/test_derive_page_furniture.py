"""A web page pasted whole: its furniture (buttons, ad slots, links to other
pages, captions and credits, bylines, copyright, references, contents lists
and back matter) is never taught and never titles a lesson, and the page's
text around it is taught as if the furniture were not there. Pages invented
for these tests."""

import pytest

from lessons.derive import derive
from lessons.text import is_page_furniture, split_source

OWLS_PAGE = """\
Wild Britain Magazine
How barn owls hunt in the dark
By Tom Evans | Updated 4 June 2024 · 5 min read
Share this article
Barn owls hunt mainly by sound. Their heart-shaped facial disc funnels sound towards ears that sit at different heights on the head.[1]
Advertisement
Because one ear is higher than the other, a sound from below reaches the two ears at slightly different times. The owl's brain uses that difference to place its prey within one or two degrees.[2]
Related: Why are owl numbers falling in the countryside?
Photo: A barn owl hunting over a meadow at dusk. (Credit: K. Hall / Nature Pictures)
The soft fringes on the owl's flight feathers break up the air flowing over the wing, so it flies almost silently.
Sign up for our weekly newsletter
A breeding pair may catch more than 3,000 voles in a year.
References
[1] Konishi, M. How the owl tracks its prey. American Scientist, 1973.
[2] Payne, R. Acoustic location of prey by barn owls. Journal of Experimental Biology, 1971.
Last reviewed: 3 March 2024
© 2024 Wild Britain Magazine. All rights reserved. Privacy Policy | Terms of Use | Contact us
"""  # noqa: E501 (paragraphs are one line each, as a pasted page has them)

TIDES_ENCYCLOPEDIA = """\
Tides
Contents
1 Causes
2 Spring and neap tides
3 See also
Causes
Tides are the regular rise and fall of the sea caused by the gravity of the Moon and the Sun acting on the rotating Earth. Most coasts have two high tides and two low tides about every 24 hours and 50 minutes.[3]
Spring and neap tides
When the Sun and the Moon line up, at new and full moon, their pulls add together and give spring tides with the largest range. At the Moon's first and last quarter they pull at right angles and give neap tides with the smallest range.
See also
Tidal power
Storm surge
Ocean current
"""  # noqa: E501


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement",
        "Share this article",
        "Share on Facebook",
        "Print",
        "Related: Why are owl numbers falling in the countryside?",
        "Read more: The secret lives of voles",
        "Photo: A barn owl hunting over a meadow at dusk.",
        "(Credit: K. Hall / Nature Pictures)",
        "By Tom Evans | Updated 4 June 2024 · 5 min read",
        "By Tom Evans",
        "Updated 4 June 2024",
        "Last reviewed: 3 March 2024",
        "Medically reviewed by Dr Ann Lee",
        "8 min read",
        "© 2024 Wild Britain Magazine. All rights reserved.",
        "All rights reserved.",
        "[1] Konishi, M. How the owl tracks its prey. American Scientist, 1973.",
        "Privacy Policy | Terms of Use | Contact us",
        "Home > Nature > Birds > Owls",
    ],
)
def test_page_furniture_is_recognised(line):
    assert is_page_furniture(line)


@pytest.mark.parametrize(
    "sentence",
    [
        "By 1906 yellow fever had been almost eliminated from the zone.",
        "By the 1850s the river had become an open sewer.",
        "By comparison, a gas boiler turns at most 95 percent of its fuel into heat.",
        "Updated versions of the vaccine were approved in 2021.",
        "Published in 1859, the book sold out on its first day.",
        "Share prices fell sharply after the announcement.",
        "Print runs grew from a few hundred copies to several thousand.",
        "Photosynthesis takes place in the chloroplasts.",
        "Sources of vitamin C include citrus fruit, peppers and broccoli.",
        "The owl's brain compares the times at which a sound reaches each ear.",
        "Shore crabs hunt at night | they hide under weed by day.",
    ],
)
def test_prose_that_opens_like_furniture_is_prose(sentence):
    assert not is_page_furniture(sentence)


def test_a_pasted_page_teaches_its_text_and_none_of_its_furniture():
    result = derive(OWLS_PAGE, title="Barn owls")
    taught = {result.sentences[p].text for lesson in result.lessons for p in lesson.sentences}
    assert taught == {
        "Barn owls hunt mainly by sound.",
        "Their heart-shaped facial disc funnels sound towards ears that sit at different "
        "heights on the head.",
        "Because one ear is higher than the other, a sound from below reaches the two ears "
        "at slightly different times.",
        "The owl's brain uses that difference to place its prey within one or two degrees.",
        "The soft fringes on the owl's flight feathers break up the air flowing over the "
        "wing, so it flies almost silently.",
        "A breeding pair may catch more than 3,000 voles in a year.",
    }
    # The citation marks are gone from what is taught and from every question.
    assert result.questions
    for question in result.questions:
        quoted = question.prompt + question.explanation + result.sentences[question.sentence].text
        assert "[1]" not in quoted and "[2]" not in quoted
    titles = [lesson.title for lesson in result.lessons]
    for furniture in ("By Tom Evans", "Advertisement", "Photo", "References", "©", "Related"):
        assert not any(furniture in title for title in titles), titles


def test_a_contents_list_and_a_see_also_list_are_furniture_and_the_sections_keep_their_titles():
    split = split_source(TIDES_ENCYCLOPEDIA)
    noise = {s.text for s in split.sentences if s.is_noise and s.reason == "web noise"}
    assert {"Contents", "1 Causes", "2 Spring and neap tides", "3 See also"} <= noise
    assert {"See also", "Tidal power", "Storm surge", "Ocean current"} <= noise
    result = derive(TIDES_ENCYCLOPEDIA, title="Tides")
    assert [lesson.title for lesson in result.lessons] == ["Causes", "Spring and neap tides"]
    taught = {result.sentences[p].text for lesson in result.lessons for p in lesson.sentences}
    assert (
        "Most coasts have two high tides and two low tides about every 24 hours and 50 minutes."
        in taught
    )
