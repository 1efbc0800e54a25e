"""Typed checks read with the real spaCy pipeline."""

from __future__ import annotations

import pytest

from factcheck.verify.abbreviations import definitions
from factcheck.verify.checks import compare, subject_check
from factcheck.verify.facts import FactReader


@pytest.fixture(scope="module")
def reader() -> FactReader:
    return FactReader()


def _outcomes(reader: FactReader, claim: str, sentence: str, context: str = "") -> set[tuple[str, str]]:
    c, s = reader.read([claim, sentence])
    return {(r.name, r.outcome) for r in compare(c, s, context)}


def test_other_year_is_a_conflict(reader: FactReader) -> None:
    out = _outcomes(reader, "Webb was launched in 2019 on an Ariane 5 rocket.",
                    "Webb was launched on 25 December 2021 on an Ariane 5 rocket.")
    assert ("year", "conflict") in out


def test_same_year_matches(reader: FactReader) -> None:
    out = _outcomes(reader, "Hubble was launched in 1990.", "Hubble was carried into orbit on 24 April 1990.")
    assert out >= {("year", "match")}
    assert not any(o == "conflict" for _, o in out)


def test_count_of_the_same_thing_conflicts(reader: FactReader) -> None:
    out = _outcomes(reader, "NATO expelled eight Russian diplomats.", "NATO expelled seven Russian diplomats.")
    assert ("number", "conflict") in out


def test_numbers_with_other_units_do_not_conflict(reader: FactReader) -> None:
    out = _outcomes(reader, "The telescope weighs 11 tonnes.", "Its mirror is 2.4 metres in diameter.")
    assert ("number", "missing") in out and ("number", "conflict") not in out


def test_measure_in_same_unit_conflicts(reader: FactReader) -> None:
    out = _outcomes(reader, "Webb's primary mirror is 6 metres wide.", "Webb's primary mirror is 6.5 metres across.")
    assert ("number", "conflict") in out


def test_name_found_in_context_counts_as_match(reader: FactReader) -> None:
    out = _outcomes(reader, "The Hubble Space Telescope was launched aboard the Space Shuttle Discovery.",
                    "It was carried into orbit by the Space Shuttle Discovery.", context="Hubble Space Telescope")
    assert out == {("name", "match")}


def test_untagged_proper_noun_must_be_mentioned(reader: FactReader) -> None:
    out = _outcomes(reader, "Hubble was launched aboard the shuttle Columbia.",
                    "Hubble was launched aboard the shuttle Discovery.")
    assert ("name", "missing") in out or ("name", "conflict") in out


def test_polarity_mismatch_is_reported(reader: FactReader) -> None:
    out = _outcomes(reader, "Russia is not a member of NATO.", "Russia is a member of NATO.")
    assert ("negation", "conflict") in out


def test_a_transliteration_one_letter_apart_is_the_same_name(reader: FactReader) -> None:
    out = _outcomes(
        reader,
        "Sergei Lavrov is the Russian Foreign Minister.",
        "Russian Minister of Foreign Affairs Sergey Lavrov wrote the article.",
    )
    assert ("name", "match") in out and ("name", "conflict") not in out


def test_another_form_of_a_claim_name_is_no_rival(reader: FactReader) -> None:
    out = _outcomes(
        reader,
        "Russia annexed the Crimean Peninsula from Ukraine in 2014.",
        "In 2014 the Crimean Peninsula was annexed by the Russian Federation.",
    )
    assert ("name", "conflict") not in out


def test_a_different_name_of_the_same_kind_still_conflicts(reader: FactReader) -> None:
    # One letter apart but a different first letter: Prussia is not Russia.
    out = _outcomes(reader, "The treaty was signed by Russia in 1807.", "The treaty was signed by Prussia in 1807.")
    assert ("name", "conflict") in out or ("name", "missing") in out


def test_one_edit_apart() -> None:
    from factcheck.verify.checks import _one_edit_apart

    assert _one_edit_apart("sergei", "sergey") and _one_edit_apart("austria", "austrian")
    assert _one_edit_apart("lavrov", "lavrov")
    assert not _one_edit_apart("austria", "australia") and not _one_edit_apart("sergei", "sergeyev")


def test_the_subject_is_the_head_noun_with_what_narrows_it(reader: FactReader) -> None:
    (liaison, russia, pronoun, misparsed, hyphen) = reader.read([
        "NATO's liaison mission in Moscow was established in 2002.",
        "Russia is not a member of NATO.",
        "It was founded in 1990.",
        "Russia annexed Ukraine's Crimean Peninsula.",
        "The Chandra X-ray Observatory was launched in 1999.",
    ])
    assert liaison.subject == ("liaison", "mission", "nato")
    assert russia.subject == ("russia",)
    assert pronoun.subject == ()
    assert misparsed.subject == ("russia",)
    assert "-" not in hyphen.subject and "observatory" in hyphen.subject


def test_subject_check_needs_every_subject_word_in_the_sentence_or_title(reader: FactReader) -> None:
    claim, france, own, pronoun = reader.read([
        "Russia is not a member of NATO.",
        "France remains the only NATO member outside the Nuclear Planning Group.",
        "Russia has never been a member of NATO.",
        "It has never joined the alliance.",
    ])
    missing = subject_check(claim, france, "Nuclear sharing")
    assert missing is not None
    assert (missing.name, missing.outcome, missing.claim_value) == ("subject", "missing", "russia")
    matched = subject_check(claim, own, "")
    assert matched is not None and matched.outcome == "match"
    # the document title names the subject when the sentence uses a pronoun
    assert subject_check(claim, pronoun, "Russia and NATO").outcome == "match"
    no_subject = reader.read(["It was founded in 1990."])[0]
    assert subject_check(no_subject, france, "") is None


def test_a_light_head_gives_way_to_what_it_quantifies(reader: FactReader) -> None:
    total, use = reader.read([
        "A total of 1,000 people in the UK carry the infection.",
        "The use of aspirin reduces the risk of stroke.",
    ])
    assert total.subject == ("people",)
    assert use.subject == ("aspirin",)


def test_half_of_the_subject_words_must_be_named(reader: FactReader) -> None:
    cells, liaison, marrow, nato = reader.read([
        "Bone marrow cells contribute to adult macrophage compartments.",
        "NATO's liaison mission in Moscow was established in 2002.",
        "After bone marrow transplantation, host macrophages were retained.",
        "The NATO-Russia Council was established in 2002.",
    ])
    assert subject_check(cells, marrow, "").outcome == "match"  # bone, marrow of bone, cell, marrow
    assert subject_check(liaison, nato, "").outcome == "missing"  # nato only, of liaison, mission, nato


def test_both_sides_of_a_hyphen_joined_name_must_be_named(reader: FactReader) -> None:
    council, europe, joint, trade, china = reader.read([
        "The NATO-Russia Council has only met sporadically since then.",
        "Russia is a member of the Council of Europe, OSCE, and APEC.",
        "In 2002 NATO and Russia set up a council to meet as equals.",
        "US-China trade talks resumed in Geneva.",
        "Trade talks with China resumed after the summit.",
    ])
    # russia and council are named (two of three words), but "NATO-Russia" is one name: NATO is missing
    assert subject_check(council, europe, "").outcome == "missing"
    assert subject_check(council, joint, "").outcome == "match"
    assert subject_check(trade, china, "").outcome == "missing"


def test_abbreviations_defined_in_the_text_are_read_both_ways() -> None:
    found = definitions("In mammals, caloric restriction (CR) extends lifespan. C-reactive protein (CRP) was high.")
    assert found["cr"] == "caloric restriction" and found["caloric restriction"] == "cr"
    assert found["crp"] == "c-reactive protein"
    # a parenthesis that is not a short form of the words before it defines nothing
    assert definitions("Twins were measured (n = 20) twice (ABC).") == {}
    assert definitions("The results (Table 2) were clear.") == {}


def test_a_subject_given_by_its_abbreviation_is_named_in_full_and_back(reader: FactReader) -> None:
    passage = "Continuous integration (CI) runs every test on each commit. Continuous integration is free."
    claim, sentence, long_claim, short_sentence = reader.read([
        "CI runs every test on each commit.",
        "Continuous integration is free for open projects.",
        "Continuous integration costs money.",
        "CI is free for open projects.",
    ])
    assert claim.subject == ("ci",)
    assert subject_check(claim, sentence, "", passage).outcome == "match"
    assert subject_check(claim, sentence, "", "").outcome == "missing"  # without the definition: not named
    assert subject_check(long_claim, short_sentence, "", passage).outcome == "match"
    assert subject_check(long_claim, short_sentence, "", "").outcome == "missing"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1/2000 in the UK carry it.", [("ratio", 0.0005)]),
     ("a prevalence of 493 per million (95% CI 282 to 801 per million)",
      [("per", 0.000493), ("percent", 0.95), ("per", 0.000801)]),
     ("One in five adults smoke; 2 out of every 3 vote.", [("ratio", 0.2), ("ratio", 2 / 3)]),
     ("21 per cent, or 5.2 per 100,000 births, or one in a million", [("percent", 0.21), ("per", 5.2e-5),
                                                                      ("ratio", 1e-6)]),
     # Not shares: a year after "in", a date, round-the-clock, a count.
     ("3 in 2019 were late; open 24/7 since 9/11/2001 for 1,000 people", [])],
)  # fmt: skip
def test_shares_are_read_in_every_form(text: str, expected: list[tuple[str, float]]) -> None:
    from factcheck.verify.facts import read_rates

    rates, spans = read_rates(text)
    assert [(r.kind, round(r.value, 9)) for r in rates] == [(k, round(v, 9)) for k, v in expected]
    assert all(text[a:b] == r.text for r, (a, b) in zip(rates, spans, strict=True))


def test_a_share_said_in_another_form_matches(reader: FactReader) -> None:
    # SciFact dev claim 5 and its rationale: 1/2000 is 500 per million, the survey found 493.
    c, s = reader.read(["1/2000 in UK have abnormal PrP positivity.",
                        "Of the 32,441 appendix samples 16 were positive for abnormal PrP, indicating an overall "
                        "prevalence of 493 per million population (95% confidence interval 282 to 801 per million)."])
    numbers = [(r.outcome, r.claim_value, r.evidence_value) for r in compare(c, s, "") if r.name == "number"]
    assert numbers == [("match", "1/2000", "493 per million")]
    out = _outcomes(reader, "One in five adults in Britain smokes.", "In 2019, 21% of British adults smoked.")
    assert ("number", "match") in out and ("number", "missing") not in out
    # In one form the numbers must agree as before: 20% is not 21%.
    assert ("number", "conflict") in _outcomes(reader, "20% of adults in Britain smoke.",
                                               "In 2019, 21% of British adults smoked.")  # fmt: skip


def test_the_denominator_of_a_share_is_not_a_year(reader: FactReader) -> None:
    (facts,) = reader.read(["1 in 2000 people carry the gene."])
    assert facts.years == frozenset()
    (dated,) = reader.read(["3 in 2019 were late."])
    assert dated.years == frozenset({"2019"})


def test_a_number_is_found_in_the_context_only_as_a_whole_number(reader: FactReader) -> None:
    claim = "The council met 3 times."
    sentence = "The council met rarely."
    assert ("number", "missing") in _outcomes(reader, claim, sentence, context="It was founded in 1938.")
    assert ("number", "missing") in _outcomes(reader, claim, sentence, context="Its budget was 3.5 million.")
    assert ("number", "match") in _outcomes(reader, claim, sentence, context="It met 3 times in all.")


def test_a_year_is_found_in_the_context_only_as_a_whole_number(reader: FactReader) -> None:
    claim = "The treaty was signed in 1990."
    sentence = "The treaty was signed in Paris."
    assert ("year", "missing") in _outcomes(reader, claim, sentence, context="Trade grew in the 1990s.")
    assert ("year", "match") in _outcomes(reader, claim, sentence, context="It was the year 1990.")


@pytest.mark.parametrize(
    ("claim", "sentence"),
    [
        ("Statins do not reduce the incidence of dementia.", "Statins reduced the incidence of dementia in the trial."),
        ("Russia is not a member of NATO.", "Russia is a member of NATO."),
        # A light verb's object says what is denied: "have side effects" against "has adverse effects".
        ("Medications to treat obesity do not have side effects.", "Orlistat has specific adverse effects."),
    ],
)
def test_polarities_conflict_over_the_same_thing(reader: FactReader, claim: str, sentence: str) -> None:
    assert ("negation", "conflict") in _outcomes(reader, claim, sentence)


@pytest.mark.parametrize(
    ("claim", "sentence"),
    [
        ("NATO Secretary General Jens Stoltenberg gave no more details over the move.",
         "Secretary-General Jens Stoltenberg was recently appointed at Brussels in late June 2015."),
        ("Russia is not a member of NATO.",
         "In 2007 Putin announced plans to declare a moratorium on the observance of the treaty."),
    ],
)  # fmt: skip
def test_a_denial_is_no_conflict_with_a_sentence_about_something_else(
    reader: FactReader, claim: str, sentence: str
) -> None:
    assert not any(name == "negation" for name, _ in _outcomes(reader, claim, sentence))


def test_the_heuristic_reading_counts_any_difference_of_polarity(reader: FactReader) -> None:
    claim, sentence = reader.read(["Russia is not a member of NATO.", "In 2007 Putin announced a moratorium."])
    checks = compare(claim, sentence, "", polarity_of_same_thing=False)
    assert ("negation", "conflict") in {(c.name, c.outcome) for c in checks}


def test_a_claim_that_defines_its_abbreviation_finds_it_by_either_form(reader: FactReader) -> None:
    # the claim writes both forms; the evidence only the long one (or the short one, defined in its passage)
    claim, long_sentence, short_sentence, slashed, hyphened = reader.read([
        "Mutations in the pump cause resistance to zidovudine (AZT).",
        "Mutant pumps made the virus resistant to zidovudine in culture.",
        "Mutant pumps made the virus resistant to AZT in culture.",
        "Peroxynitrite is needed to nitrate TCR/CD8 in mice.",
        "Nitration of TCR-CD8 needs peroxynitrite.",
    ])
    names = {c.claim_value: c.outcome for c in compare(claim, long_sentence, "") if c.name == "name"}
    assert names.get("azt", "match") == "match" and "missing" not in names.values()
    names = {c.claim_value: c.outcome for c in compare(claim, short_sentence, "") if c.name == "name"}
    assert "missing" not in names.values()
    names = {c.claim_value: c.outcome for c in compare(slashed, hyphened, "") if c.name == "name"}
    assert names and "missing" not in names.values(), names


def test_an_abbreviation_nobody_defines_is_still_missing(reader: FactReader) -> None:
    claim, sentence = reader.read([
        "Mutations in the pump cause resistance to AZT.",
        "Mutant pumps made the virus resistant to zidovudine in culture.",
    ])
    names = {c.claim_value: c.outcome for c in compare(claim, sentence, "") if c.name == "name"}
    assert names.get("azt") == "missing", names
