"""The structure of an educator's text: headings become lesson titles, Markdown
markers go, code stays code, lists stay with their lead-in, short real
sentences are taught and damaged ones are not, and the run says which content
sentences no draft covers. Short texts invented for these tests."""

import re

import pytest

from lessons.derive import derive
from lessons.text import looks_like_heading, split_source

BEES = """\
How bees make honey

Worker bees collect nectar from flowers and carry it back to the hive in a special stomach. In the hive the nectar passes from bee to bee, and enzymes break its sugars down. The bees fan the comb with their wings until most of the water has evaporated. A single colony can store more than twenty kilograms of honey in one summer.

The waggle dance

A forager that has found rich flowers tells her sisters where they are by dancing on the comb. The angle of her run against the vertical gives the direction of the flowers from the sun. The length of the run tells the other bees how far they must fly. Karl von Frisch decoded the dance in the 1940s and shared a Nobel Prize in 1973.

Life in the colony

A colony has one queen, thousands of female workers and a few hundred male drones in summer. The queen lays up to two thousand eggs a day during spring. Workers live about six weeks in summer, while drones die after mating. In autumn the workers drive the drones out of the hive.
"""  # noqa: E501 (paragraphs are one line each, as an educator types them)

GLACIERS_MD = """\
# Glaciers

## How a glacier forms

Snow that survives the summer is buried by the next winter's snow. Under the weight above it, the old snow turns into **firn**, a dense granular ice. Over decades the firn is pressed into *glacier ice*, which is blue because it absorbs red light. A glacier forms only where more snow falls than melts over many years.

## How glaciers move

Glaciers flow downhill under their own weight, like a very thick liquid. The ice near the surface is brittle and cracks into deep `crevasses` as it moves. Meltwater at the base lets the ice slide over the bedrock, as [field studies](https://example.org/studies) have shown. The fastest glaciers in Greenland move more than forty metres a day.
"""  # noqa: E501


def test_plain_heading_lines_become_one_lesson_each():
    result = derive(BEES, title="Bees")
    assert [lesson.title for lesson in result.lessons] == [
        "How bees make honey",
        "The waggle dance",
        "Life in the colony",
    ]
    by_title = {lesson.title: lesson for lesson in result.lessons}
    dance = [result.sentences[p].text for p in by_title["The waggle dance"].sentences]
    assert dance[0].startswith("A forager") and dance[-1].startswith("Karl von Frisch")
    assert "How bees make honey" in {s.text for s in result.sentences if s.reason == "heading"}


def test_markdown_headings_are_titles_and_markers_are_stripped():
    result = derive(GLACIERS_MD, title="Glaciers")
    # "# Glaciers" is the text's own title: it names no section.
    assert [lesson.title for lesson in result.lessons] == [
        "How a glacier forms",
        "How glaciers move",
    ]
    shown = [s.text for s in result.sentences] + result.passages
    shown += [q.prompt for q in result.questions] + [
        c.text for q in result.questions for c in q.choices
    ]
    for text in shown:
        assert not re.search(r"\*\*|(?<!\w)\*\w|`|^#|\]\(|https?://", text), text
    assert any("firn, a dense granular ice" in s.text for s in result.sentences)
    assert any("as field studies have shown" in s.text for s in result.sentences)


def test_a_long_section_is_split_into_lessons_with_informative_titles():
    body = " ".join(
        f"Tidal pool number {n} holds {kind} that feed on {food} at low tide."
        for n, (kind, food) in enumerate(
            [
                ("limpets", "algae"),
                ("barnacles", "plankton"),
                ("periwinkles", "diatoms"),
                ("anemones", "shrimp"),
                ("starfish", "mussels"),
                ("crabs", "worms"),
                ("whelks", "barnacles"),
                ("sponges", "bacteria"),
                ("urchins", "kelp"),
                ("sculpins", "isopods"),
                ("chitons", "films"),
                ("nudibranchs", "hydroids"),
                ("blennies", "copepods"),
                ("prawns", "detritus"),
                ("gobies", "amphipods"),
                ("mussels", "plankton"),
                ("oysters", "algae"),
                ("clams", "diatoms"),
            ],
            start=1,
        )
    )
    shore = "Waves break on the open shore twice a day. Few animals can hold on there."
    text = f"Rock pools\n\n{body}\n\nThe open shore\n\n{shore}\n"
    result = derive(text, title="The shore")
    titles = [lesson.title for lesson in result.lessons]
    pools = [t for t in titles if t.startswith("Rock pools")]
    assert len(pools) >= 2, titles
    assert len(set(titles)) == len(titles)
    assert not any(re.search(r"\(\d+\)$", t) for t in titles), titles
    assert titles[-1] == "The open shore"
    assert max(len(lesson.sentences) for lesson in result.lessons) <= 16


@pytest.mark.parametrize(
    "sentence",
    [
        "Photosynthesis happens in two stages.",
        "The opposite holds true.",
        "Plants need light.",
        "It matters.",
        "The city burned.",
        "The harvest went badly.",
        "Their work began slowly.",
        "Prices rose.",
        "The old king fell ill.",
        "The settlers grew wheat.",
        "The colony recovered slowly.",
    ],
)
def test_short_real_sentences_are_not_headings(sentence):
    assert not looks_like_heading(sentence)


@pytest.mark.parametrize(
    "heading",
    [
        "The two stages.",
        "How bees make honey",
        "Factors that limit photosynthesis.",
        "Signs and symptoms of scurvy.",
        "Fossil fuels and climate",
        "Rebuilding the city.",
        "Early life",
        "The family",
        "Found objects",
        "The royal family",
    ],
)
def test_headings_are_told_by_their_features(heading):
    assert looks_like_heading(heading)


def test_a_short_sentence_is_taught_not_dropped_as_a_heading():
    text = (
        "Water boils at one hundred degrees at sea level. On a high mountain the air "
        "pressure is lower. The opposite holds true. Water boils at a lower temperature "
        "there, so food takes longer to cook.\n"
    )
    taught = {s.text for s in split_source(text).sentences if not s.is_noise}
    assert "The opposite holds true." in taught


def test_code_blocks_stay_code_and_are_never_asked():
    text = (
        "A list comprehension builds a new list from an old one in a single expression.\n\n"
        "```python\nsquares = [n * n for n in range(10)]\nprint(squares)\n```\n\n"
        "The expression before the for clause is evaluated once for every item of the "
        "old list. A condition after the for clause keeps only the items that pass it.\n"
        "evens = [n for n in range(10) if n % 2 == 0]\n"
        "Comprehensions are usually faster than loops that append to a list.\n"
    )
    result = derive(text, title="Python lists")
    code = [s for s in result.sentences if s.reason == "code"]
    assert [s.text for s in code] == [
        "squares = [n * n for n in range(10)]\nprint(squares)",
        "evens = [n for n in range(10) if n % 2 == 0]",
    ]
    assert all(s.is_noise for s in code)
    assert not any(q.sentence in {s.position for s in code} for q in result.questions)
    assert not any("range(" in q.prompt for q in result.questions)


def test_a_bulleted_list_stays_with_its_lead_in():
    text = (
        "A honey bee colony has three castes of bee:\n"
        "- the queen\n- the workers\n- the drones\n\n"
        "Only the queen lays eggs in a healthy colony.\n"
    )
    sentences = [s.text for s in split_source(text).sentences]
    assert sentences[0] == (
        "A honey bee colony has three castes of bee: 1  the queen. 2  the workers. 3  the drones."
    )
    assert not any(s.startswith(("the workers", "- ")) for s in sentences)


def test_a_damaged_sentence_is_flagged_not_taught():
    text = (
        "Glaciers cover about a tenth of the land on Earth. In this unit you will learn "
        "about — and how they shape valleys. Most glacier ice is in Antarctica.\n"
    )
    [damaged] = [s for s in split_source(text).sentences if "learn about" in s.text]
    assert damaged.is_noise and damaged.reason == "damaged"


def test_the_run_reports_the_content_sentences_no_draft_covers():
    result = derive(BEES, title="Bees")
    cited = {q.sentence for q in result.questions}
    content = [p for lesson in result.lessons for p in lesson.sentences]
    assert result.uncovered == [p for p in content if p not in cited]
    assert result.uncovered  # a real text always has sentences no draft asks about
    report = result.as_json()["uncovered"]
    assert report == [result.sentences[p].text for p in result.uncovered]


def test_a_heading_that_says_it_is_named_for_the_text():
    text = (
        "What erosion is\n\n"
        "Erosion is the wearing away of rock and soil by water, wind and ice. Rivers carry "
        "the loosened grains downstream and drop them where the current slows.\n\n"
        "Why it matters\n\n"
        "Farmers lose fertile topsoil to erosion every year. Planting hedges along the "
        "edges of fields slows the wind and keeps the soil in place.\n"
    )
    result = derive(text, title="Erosion")
    assert [lesson.title for lesson in result.lessons] == [
        "What erosion is",
        "Why erosion matters",
    ]


def test_a_line_cut_off_mid_sentence_is_no_heading():
    text = (
        "Sand dunes form where wind carries sand and drops it behind an obstacle.\n"
        "It spreads slowly across the desert and\n"
        "Dunes can move several metres a year in a strong wind.\n"
    )
    split = split_source(text)
    assert not any(s.reason == "heading" for s in split.sentences)
    assert not split.sections


ROCK_POOLS = """\
Rock pools

Share this article

Twice a day the tide leaves water behind in hollows of the shore. Their work also changed much. A rock pool warms in the sun and grows saltier as water evaporates. Limpets clamp onto the rock to keep from drying out. Anemones pull in their tentacles when the tide is out.

Life between the tides

Barnacles are crustaceans that glue themselves head down to the rock. They feed by combing plankton from the water with their feathery legs. Shore crabs hide under weed during the day and hunt at night.
"""  # noqa: E501


def test_a_short_sentence_inside_a_paragraph_is_taught_and_a_share_button_is_noise():
    result = derive(ROCK_POOLS, title="Rock pools")
    by_text = {s.text: s for s in result.sentences}
    # Within a paragraph, after another sentence, a short sentence is prose,
    # whatever its words: it neither starts a lesson nor leaves the reading.
    assert by_text["Their work also changed much."].reason == ""
    assert by_text["Share this article"].reason == "web noise"
    titles = [lesson.title for lesson in result.lessons]
    assert titles[-1] == "Life between the tides"
    assert not any("Share this article" in t or "changed much" in t for t in titles)
    taught = {result.sentences[p].text for lesson in result.lessons for p in lesson.sentences}
    assert "Their work also changed much." in taught


FRIDGE_MD = """\
# How a refrigerator works

A refrigerator moves heat from inside the cabinet to the kitchen. The refrigeration cycle has three main stages:

1. **Boiling.** Inside the cabinet, the liquid coolant boils at a low pressure and takes heat from the food.
2. **Squeezing.** A pump called the compressor squeezes the vapour, which makes it hot.
3. **Cooling.** Coils at the back give the heat to the kitchen air, and the coolant turns back into a liquid.

Most modern refrigerators use a coolant called isobutane, also known as R-600a.
"""  # noqa: E501


def test_a_numbered_items_label_neither_titles_a_lesson_nor_is_taught():
    result = derive(FRIDGE_MD, title="Refrigerators")
    titles = [lesson.title for lesson in result.lessons]
    assert not any(re.match(r"\d", title) or "Squeezing" in title for title in titles), titles
    labels = {s.text: s.reason for s in result.sentences if s.text[:1].isdigit()}
    assert labels == {"2  Squeezing.": "list label", "3  Cooling.": "list label"}
    taught = {result.sentences[p].text for lesson in result.lessons for p in lesson.sentences}
    assert "A pump called the compressor squeezes the vapour, which makes it hot." in taught
