"""A lesson is not titled by the whole text's title (issue 15 e): the
heading that opens a text and heads no section of its own (the text's only
heading, or a Markdown '#' over '##' sections) names the text, so the
lessons under it are titled by what they teach. Short invented texts."""

from __future__ import annotations

from lessons.derive import derive

BEEKEEPING = """\
How Beekeeping Works: A Beginner's Guide

A hive holds one queen, thousands of female workers and a few hundred drones in summer. The queen lays up to two thousand eggs a day in spring. Workers live about six weeks in summer, while drones die after mating. In autumn the workers drive the drones out of the hive.
Beekeepers harvest honey from the supers, the boxes stacked above the brood chamber. A centrifuge called an extractor spins the honey out of the uncapped comb. The honey is strained through a fine mesh and left to settle before it is bottled. A strong colony can give more than twenty kilograms of honey in one summer.
Varroa mites are the greatest danger to a modern apiary. The mites feed on the fat bodies of larvae and spread deformed wing virus. Beekeepers count the mites that fall onto a sticky board under the hive. Oxalic acid treatment in winter kills most mites while the colony has no brood.
"""  # noqa: E501

PONDS_MD = """\
# Ponds and Their Wildlife

Ponds are among the richest freshwater habitats in Britain. A garden pond of a few square metres can hold hundreds of species of invertebrates.

## Plants of the pond

Water lilies root in the mud and float their leaves on the surface. Hornwort grows fully submerged and releases oxygen into the water. Marginal plants such as yellow flag iris grow in the shallows at the edge.

## Animals of the pond

Common frogs lay their spawn in clumps in early spring. Dragonfly larvae hunt tadpoles and small fish for up to two years under water. Pond skaters run on the surface film and feed on insects that fall in.
"""  # noqa: E501


def test_the_only_heading_of_a_text_titles_no_lesson():
    titles = [lesson.title for lesson in derive(BEEKEEPING, title="Beekeeping").lessons]
    assert titles and not any("Beginner's Guide" in t for t in titles), titles


def test_a_markdown_title_over_sections_titles_no_lesson():
    titles = [lesson.title for lesson in derive(PONDS_MD, title="Ponds").lessons]
    assert "Ponds and Their Wildlife" not in titles, titles
    assert titles[-2:] == ["Plants of the pond", "Animals of the pond"]
