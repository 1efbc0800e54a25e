"""Faithful first: a claim never puts a fact on the wrong subject, nor garbles a list.

Each case is a construction that produced an unfaithful claim on text nobody tuned for (bench/judgements/).
"""

from __future__ import annotations

import pytest

from claims import ClaimExtractor, ClaimKind


def texts(extractor: ClaimExtractor, text: str) -> list[str]:
    return [c.text for c in extractor.extract(text)]


def test_a_pronoun_after_several_people_goes_to_the_topic_only_as_the_last_subject(extractor: ClaimExtractor) -> None:
    found = texts(
        extractor,
        "Heath Ledger was an Australian actor. In 2005 he appeared in a film with Johnny Depp and was directed "
        "by Christopher Nolan in a later film. He was found dead in his Manhattan apartment in 2008.",
    )
    assert "Heath Ledger was found dead in Heath Ledger's Manhattan apartment in 2008." in found
    assert not [c for c in found if "Nolan was found" in c or "Depp was found" in c]


def test_a_pronoun_with_two_candidates_in_its_sentence_is_left_as_written(extractor: ClaimExtractor) -> None:
    found = texts(extractor, "Anna Berg met Clara Holm in Oslo. Clara Holm told Anna Berg that she would resign.")
    assert not [c for c in found if "Anna Berg would resign" in c or "Clara Holm would resign" in c]


def test_a_pronoun_after_an_unnamed_speaker_is_not_given_a_name(extractor: ClaimExtractor) -> None:
    found = texts(
        extractor,
        "Tomas Brandt chairs the committee. The town borders the villages of Pell and Corrin in the north.\n\n"
        "Library users were divided. One retired teacher said she would visit the library on a different day.",
    )
    assert not [c for c in found if "Pell would" in c or "Tomas Brandt would" in c]


def test_a_surname_two_people_share_is_not_expanded(extractor: ClaimExtractor) -> None:
    found = texts(
        extractor, "Emma Smith is a doctor in Boston. John Smith is a lawyer in Denver. Smith won an award in 2019."
    )
    assert "Smith won an award in 2019." in found


def test_unlike_items_of_a_list_are_not_split(extractor: ClaimExtractor) -> None:
    found = texts(
        extractor, "Norway is a country. It borders Sweden in the east and Finland and Russia in the northeast."
    )
    assert not [c for c in found if "in Finland" in c or "east in the northeast" in c]
    assert "Norway borders Sweden in the east and Finland and Russia in the northeast." in found


def test_a_misparsed_apposition_is_not_stated_as_an_identity(extractor: ClaimExtractor) -> None:
    found = texts(extractor, "The film was released in Disney Digital 3D, RealD 3D and IMAX 3D formats.")
    assert found == ["The film was released in Disney Digital 3D, RealD 3D and IMAX 3D formats."]


def test_a_pronunciation_in_brackets_is_never_a_subject(extractor: ClaimExtractor) -> None:
    found = texts(
        extractor,
        "Javier Hernández Balcázar (Spanish pronunciation: [xaˈβjer erˈnandes]), born June 1, 1988, is a Mexican "
        "footballer.",
    )
    assert "Javier Hernández Balcázar is a Mexican footballer." in found
    assert not [c for c in found if "erˈnandes" in c or "xaˈβjer" in c.lower()]


def test_a_relative_clause_on_a_place_in_a_phrase_describes_the_phrase(extractor: ClaimExtractor) -> None:
    found = texts(
        extractor,
        "Russia said on Monday it would suspend NATO's military liaison mission in Moscow, which was set up in 2008.",
    )
    assert "NATO's military liaison mission in Moscow was set up in 2008." in found
    assert "Moscow was set up in 2008." not in found


def test_reported_speech_gives_its_fact_once_with_the_speaker(extractor: ClaimExtractor) -> None:
    claims = extractor.extract(
        "Foreign Minister Sergei Lavrov said Russia would suspend the mission of its diplomats to NATO in Brussels."
    )
    assert [c.kind for c in claims].count(ClaimKind.ATTRIBUTED) == 0
    fact = next(c for c in claims if c.text.startswith("Russia would suspend"))
    assert fact.attributed_to == "Sergei Lavrov"


def test_a_clause_the_article_does_not_assert_stays_on_its_clause(extractor: ClaimExtractor) -> None:
    found = texts(extractor, "The builders abandoned the fortress before its construction was completed.")
    assert not [c for c in found if c.startswith(("Its construction was completed", "The fortress's construction"))]


def test_a_fragment_without_a_finite_verb_is_no_claim(extractor: ClaimExtractor) -> None:
    found = texts(extractor, "NATO expelled eight diplomats in October, calling them spies.")
    assert "NATO called eight diplomats spies." in found
    assert all(" " in c and c.endswith(".") for c in found)


def test_a_wire_dateline_is_not_part_of_a_claim(extractor: ClaimExtractor) -> None:
    found = texts(extractor, "HARBOURTON, May 2 (Wire) - The council approved a $12 million budget on Tuesday.")
    assert found == ["The council approved a $12 million budget on Tuesday."]



def test_a_headline_never_names_what_a_later_description_stands_for(extractor: ClaimExtractor) -> None:
    from claims.context import Memory

    nlp = extractor._pipeline()
    headline = next(nlp("Norvanian central bank raises rates to 5.25%, signals summer pause's fourth increase").sents)
    memory = Memory()
    memory.observe(headline, [False] * len(headline), {}, heading=True)
    assert "bank" not in memory.fuller and "increase" not in memory.fuller
    memory.observe(headline, [False] * len(headline), {})
    assert memory.fuller  # the same words in the article's body do name later descriptions


def test_a_relative_clause_inside_reported_speech_keeps_the_speaker(extractor: ClaimExtractor) -> None:
    claims = extractor.extract(
        "The airlines argued that the council could not set operating rules, which were the responsibility of the "
        "national aviation authority."
    )
    rules = [c for c in claims if "responsibility of the national aviation authority" in c.text]
    assert rules and all(c.attributed_to.lower() == "the airlines" for c in rules)


def test_a_relative_clause_on_any_or_no_thing_is_no_claim(extractor: ClaimExtractor) -> None:
    found = texts(extractor, "Anna Beck said her party would reject any deal that delayed the closure of the plant.")
    assert not [c for c in found if c.startswith(("Any deal delayed", "The deal delayed"))]


def test_an_ellipsis_is_no_claim(extractor: ClaimExtractor) -> None:
    found = texts(
        extractor, "The airport had hoped the Supreme Court would hear the case, and the lawyers said it did."
    )
    assert not [c for c in found if c.endswith(" did.")]


def test_a_pair_named_together_by_a_plural_aside_is_not_split(extractor: ClaimExtractor) -> None:
    found = texts(extractor, "The panel ruled in favour of Skyline Airways and Orla Air, the two carriers, on Monday.")
    assert found == ["The panel ruled in favour of Skyline Airways and Orla Air, the two carriers, on Monday."]


def test_a_dateline_city_is_not_what_its_points_back_to(extractor: ClaimExtractor) -> None:
    found = texts(
        extractor,
        "SABLE, June 3 (Wire) - Helion Dynamics launched three weather satellites on Tuesday. "
        "Its Tern-2 rocket reached orbit nine minutes later.",
    )
    assert not [c for c in found if "SABLE" in c]


def test_a_title_before_a_common_word_is_no_name(extractor: ClaimExtractor) -> None:
    found = texts(
        extractor, "The Queen Mother was played by Helena Bonham Carter. She was nominated for an award in 2011."
    )
    assert "Mother is the Queen." not in found
    assert not [c for c in found if c.startswith("Mother was nominated")]


def test_one_fact_with_two_spellings_of_a_name_is_one_claim(extractor: ClaimExtractor) -> None:
    claims = extractor.extract(
        "Russian Foreign Minister Sergey Lavrov spoke on Monday.\n\n"
        "Russian Foreign Minister Sergei Lavrov said on Tuesday that talks had ended."
    )
    titles = [c for c in claims if c.text.endswith("is the Russian Foreign Minister.")]
    assert len(titles) == 1 and len(titles[0].extra_spans) == 1


def test_a_figure_in_brackets_stays_with_its_noun(extractor: ClaimExtractor) -> None:
    found = texts(extractor, "Her films include Les Misérables (2012) and Dark Shadows (2012).")
    assert "Her films include Les Misérables (2012)." in found


def test_an_existential_sentence_is_a_claim(extractor: ClaimExtractor) -> None:
    assert texts(extractor, "There are about 2,060 wild giant pandas in the world.") == [
        "There are about 2,060 wild giant pandas in the world."
    ]


def test_a_subject_pronoun_picks_up_the_last_subject_person(extractor: ClaimExtractor) -> None:
    claims = extractor.extract(
        "Maria Lindqvist chairs the Harbour Trust. Dr. Hannah Reyes, the trust's medical officer, said Velmora would "
        "ask for approval. She said the most common side effects were mild."
    )
    effects = next(c for c in claims if c.text.startswith("The most common side effects"))
    assert effects.attributed_to == "Hannah Reyes"


def test_it_in_a_subordinate_clause_is_the_owner_of_the_subject_not_the_last_topic(
    extractor: ClaimExtractor,
) -> None:
    found = texts(
        extractor,
        "The deal follows two difficult years for both firms. "
        "Baxter's profits fell by a third in 2024 after it lost a contract with a large online retailer.",
    )
    assert "Baxter lost a contract with a large online retailer." in found
    assert not [c for c in found if c.startswith("The deal lost")]


def test_a_dateline_of_two_cities_is_no_part_of_a_claim(extractor: ClaimExtractor) -> None:
    text = "STOCKHOLM/CHICAGO, Oct 2 (Wire) - Norland Freight agreed on Wednesday to merge with Baxter Logistics."
    found = texts(extractor, text)
    assert found == ["Norland Freight agreed on Wednesday to merge with Baxter Logistics."]


def test_which_never_restates_a_person(extractor: ClaimExtractor) -> None:
    found = texts(
        extractor,
        "She starred in Spotlight, directed by Thomas McCarthy, which earned the film two Oscar nominations.",
    )
    assert not [c for c in found if c.startswith("Thomas McCarthy earned")]


def test_a_restrictive_relative_clause_stays_on_its_noun(extractor: ClaimExtractor) -> None:
    found = texts(
        extractor,
        "The airlines argued that the council could not set operating rules that were the responsibility of the "
        "national aviation authority.",
    )
    assert "The council could not set operating rules." not in found
    assert not [c for c in found if c.startswith("Operating rules were")]



def test_a_pronoun_after_an_unresolved_one_is_not_given_a_name_seen_in_passing(extractor: ClaimExtractor) -> None:
    found = texts(
        extractor,
        "The series ran for eight seasons. She is best known for playing Carrie Mathison in it. "
        "She starred in a biographical film in 2010.",
    )
    assert not [c for c in found if c.startswith("Carrie Mathison starred")]



def test_a_description_two_names_of_the_article_share_stands_for_neither() -> None:
    from claims.context import Memory

    memory = Memory()
    memory._name_for("museum", "the Port Ellis Maritime Museum")
    memory._name_for("museum", "The Port Ellis Maritime Museum")
    assert memory.fuller["museum"] == "the Port Ellis Maritime Museum"
    memory._name_for("museum", "the Harbour Museum")
    memory._name_for("museum", "the Port Ellis Maritime Museum")
    assert "museum" not in memory.fuller


def test_a_claim_word_from_outside_the_article_drops_the_claim(
    extractor: ClaimExtractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last check: a draft that says a word its sentence, its resolved names and the rules' own words do not
    (here a rule gone wrong puts in "Johnny Depp") is never a claim."""
    import claims.extractor as extractor_module
    from claims.drafts import Draft
    from claims.faithful import foreign_words, vocabulary

    text = "Heath Ledger was found dead in his Manhattan apartment."
    real = extractor_module.decompose

    def with_a_wrong_subject(span, quoted, replacements):  # type: ignore[no-untyped-def]
        drafts = real(span, quoted, replacements)
        wrong = Draft("Johnny Depp was found dead.", drafts[0].tokens, drafts[0].kind)
        return [*drafts, wrong]

    monkeypatch.setattr(extractor_module, "decompose", with_a_wrong_subject)
    texts = [claim.text for claim in extractor.extract(text)]
    assert "Johnny Depp was found dead." not in texts
    assert texts  # the faithful claims stay
    sentence = extractor._pipeline()(text)[:]
    assert foreign_words("Johnny Depp was found dead.", vocabulary(sentence, [])) == ["Johnny", "Depp"]
    assert foreign_words("Heath Ledger was found dead.", vocabulary(sentence, [])) == []


def test_a_claim_that_is_the_conjunction_of_others_is_not_kept(
    extractor: ClaimExtractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One claim per fact: a draft that only joins two others of its sentence is not checked separately."""
    import claims.extractor as extractor_module
    from claims.drafts import Draft

    text = "NATO suspended cooperation with Russia in 2014 but has kept channels open for talks."
    real = extractor_module.decompose

    def with_the_whole(span, quoted, replacements):  # type: ignore[no-untyped-def]
        drafts = real(span, quoted, replacements)
        whole = Draft(
            "NATO suspended cooperation with Russia in 2014 and has kept channels open for talks.",
            tuple(t.i for t in span),
            drafts[0].kind,
        )
        return [whole, *drafts]

    monkeypatch.setattr(extractor_module, "decompose", with_the_whole)
    texts = [claim.text for claim in extractor.extract(text)]
    assert texts == ["NATO suspended cooperation with Russia in 2014.", "NATO has kept channels open for talks."]
