"""One title rule, with the form each model was fitted on."""

from __future__ import annotations

from evidence.retrieve import sentence_input
from evidence.titles import EMBEDDER, VERIFIER, behind_title


def test_the_verifier_reads_title_colon_sentence_unless_the_sentence_names_the_title() -> None:
    assert behind_title("Hubble Space Telescope", "It was launched in 1990.") == (
        "Hubble Space Telescope: It was launched in 1990."
    )
    assert behind_title(" Webb ", "It orbits the Sun.") == "Webb: It orbits the Sun."
    assert behind_title("Webb", "The WEBB telescope orbits the Sun.") == "The WEBB telescope orbits the Sun."
    assert behind_title("", "It orbits the Sun.") == behind_title("  ", "It orbits the Sun.") == "It orbits the Sun."
    # A title's own final dot is part of it for the verifier (its training pairs were made so).
    assert behind_title("Aspirin lowers risk.", "aspirin lowers risk in adults") == (
        "Aspirin lowers risk.: aspirin lowers risk in adults"
    )


def test_the_embedder_reads_title_dot_sentence_and_compares_without_outer_marks() -> None:
    assert sentence_input("Hubble", "It was launched in 1990.") == "Hubble. It was launched in 1990."
    assert behind_title("Aspirin lowers risk.", "aspirin  lowers risk in adults", EMBEDDER) == (
        "aspirin  lowers risk in adults"
    )
    assert behind_title("## Webb", "webb orbits the Sun.", EMBEDDER) == "webb orbits the Sun."
    assert VERIFIER.joiner != EMBEDDER.joiner  # two readers, two fitted forms, one rule
