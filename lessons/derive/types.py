"""The derivation as plain data: what the pipeline returns, the store writes and
``--dry-run --json`` prints. No ORM here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class DerivedSentence:
    """A distinct sentence of the text and every passage it stands in (0-based)."""

    position: int
    text: str
    passages: list[int]
    is_noise: bool = False
    reason: str = ""

    @property
    def passage(self) -> int:
        return self.passages[0]


@dataclass
class DerivedChoice:
    text: str
    correct: bool
    feedback: str = ""


@dataclass
class DerivedQuestion:
    kind: str
    prompt: str
    stem: str  # the statement from the sentence that the prompt asks about
    answer: str  # what the question tests, as it stands in the sentence
    explanation: str
    sentence: int  # position of the provenance sentence
    passage: int  # the passage it is cited from (0-based)
    highlight: str
    choices: list[DerivedChoice] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    fact: str = ""  # the sentence cluster and answer this tests; one question per fact
    lesson: int = 0
    # How likely a reader keeps the draft as it stands, 0 to 1
    # (lessons.derive.checks.confidence): the review meets the best first.
    confidence: float = 0.0

    @property
    def distractors(self) -> list[str]:
        return [c.text for c in self.choices if not c.correct]


@dataclass
class DerivedLesson:
    title: str
    summary: str
    sentences: list[int]  # positions, in reading order


@dataclass
class WithheldDraft:
    """A draft the checks found a fault in (lessons.derive.checks): not offered
    as a question, listed so the educator sees what was left out and why."""

    question: DerivedQuestion
    problems: list[str]


@dataclass
class Derivation:
    title: str
    text: str
    passages: list[str]
    sentences: list[DerivedSentence]
    lessons: list[DerivedLesson]
    questions: list[DerivedQuestion]
    key_terms: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    withheld: list[WithheldDraft] = field(default_factory=list)
    # Positions of the content sentences no offered draft asks about: what the
    # quiz does not cover, for the educator to write questions on or let go.
    uncovered: list[int] = field(default_factory=list)

    def as_json(self) -> dict:
        """What ``derive_questions --dry-run --json`` prints."""
        by_position = {s.position: s for s in self.sentences}
        return {
            "title": self.title,
            "passages": len(self.passages),
            "sentences": len(self.sentences),
            "noise": [{"text": s.text, "reason": s.reason} for s in self.sentences if s.is_noise],
            "key_terms": self.key_terms,
            "flags": self.flags,
            "lessons": [
                {
                    "title": lesson.title,
                    "summary": lesson.summary,
                    "sentences": [by_position[p].text for p in lesson.sentences],
                    "questions": [
                        {
                            **{
                                k: v
                                for k, v in asdict(q).items()
                                if k not in {"sentence", "passage", "lesson", "fact", "stem"}
                            },
                            "provenance": by_position[q.sentence].text,
                            "passage": q.passage + 1,
                        }
                        for q in sorted(self.questions, key=lambda q: -q.confidence)
                        if q.lesson == index
                    ],
                }
                for index, lesson in enumerate(self.lessons)
            ],
            "uncovered": [by_position[p].text for p in self.uncovered],
            "withheld": [
                {
                    "kind": w.question.kind,
                    "prompt": w.question.prompt,
                    "answer": w.question.answer,
                    "confidence": w.question.confidence,
                    "provenance": by_position[w.question.sentence].text,
                    "problems": w.problems,
                }
                for w in self.withheld
            ],
        }
