"""The rule-based sentence splitter and the sentence-window chunker."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from evidence import Document
from evidence.chunk import Chunker, split_sentences


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def test_splits_on_end_punctuation_but_not_on_abbreviations_initials_or_decimals() -> None:
    text = (
        "Dr. Smith met J. R. R. Tolkien in Oxford. The U.S. economy grew 2.5% in 2019 (see Fig. 3). "
        'Was it "good?" Yes! mRNA levels rose e.g. in mice. They fell, i.e. sharply.'
    )
    assert sentences(text) == [
        "Dr. Smith met J. R. R. Tolkien in Oxford.",
        "The U.S. economy grew 2.5% in 2019 (see Fig. 3).",
        'Was it "good?"',
        "Yes!",
        "mRNA levels rose e.g. in mice.",
        "They fell, i.e. sharply.",
    ]


def test_lower_case_continuation_is_not_a_new_sentence_but_a_blank_line_is() -> None:
    assert sentences("It costs approx. five euros. Then\n\nHeading\n\nnew paragraph") == [
        "It costs approx. five euros.",
        "Then",
        "Heading",
        "new paragraph",
    ]


def test_run_on_text_is_cut_into_bounded_pieces() -> None:
    words = " ".join(f"w{i}" for i in range(250))
    pieces = sentences(words)
    assert [len(piece.split()) for piece in pieces] == [120, 120, 10]
    assert " ".join(pieces) == words


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab. ?!\n"A1')), max_size=300))
def test_spans_are_ordered_disjoint_trimmed_and_in_bounds(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous_end = end
    # Nothing but whitespace is lost between sentences.
    covered = "".join(text[start:end] for start, end in spans)
    assert "".join(covered.split()) == "".join(text.split())


def test_windows_share_one_sentence_and_respect_the_word_budget() -> None:
    chunker = Chunker(passage_words=20)
    assert chunker.windows([5, 5, 5, 5, 5, 5, 30, 5, 5]) == [(0, 3), (3, 5), (6, 6), (7, 8)]
    assert chunker.windows([]) == []
    assert chunker.windows([50]) == [(0, 0)]


def test_passages_are_exact_slices_of_the_document() -> None:
    text = " ".join(f"Sentence number {i} has exactly seven words." for i in range(40))
    doc = Document(id="d", path="d", title="t", text=text, sha256="0")
    chunked = Chunker(passage_words=30).chunk(doc)
    assert len(chunked.sentences) == 40
    for passage in chunked.passages:
        assert text[passage.start : passage.end] == passage.text
        assert passage.start == chunked.sentences[passage.first_sentence][0]
        assert passage.end == chunked.sentences[passage.last_sentence][1]
        assert len(passage.text.split()) <= 30
    firsts = [p.first_sentence for p in chunked.passages]
    lasts = [p.last_sentence for p in chunked.passages]
    assert firsts[1:] == lasts[:-1]  # one shared sentence between neighbours
    assert lasts[-1] == 39
