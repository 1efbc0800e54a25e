"""documents.markdown: units whose characters keep their raw offsets (claims), and plain text (corpus files)."""

from __future__ import annotations

from documents import markdown_to_text, parse_markup


def _check_offsets(raw: str) -> None:
    for unit in parse_markup(raw).units:
        assert len(unit.offsets) == len(unit.text)
        for ch, off in zip(unit.text, unit.offsets, strict=True):
            assert raw[off] == ch or (ch == " " and raw[off].isspace())


def test_headings_bullets_and_quotes_are_marked_or_stripped() -> None:
    raw = "# Big news\n\n- NATO was founded in **1949**.\n- It has [32 members](http://x.org).\n\n> Quoted text here.\n"
    units = parse_markup(raw).units
    assert [(u.text, u.heading, u.list_item) for u in units] == [
        ("Big news", True, False),
        ("NATO was founded in 1949.", False, True),
        ("It has 32 members.", False, True),
        ("Quoted text here.", False, False),
    ]
    _check_offsets(raw)


def test_inline_markup_offsets_are_recorded() -> None:
    raw = 'The *alliance* met in [Brussels](https://example.org "t") on `Monday`.'
    markup = parse_markup(raw)
    (unit,) = markup.units
    assert unit.text == "The alliance met in Brussels on Monday."
    assert raw.index("*") in markup.inline_markup
    assert raw.index("](") in markup.inline_markup
    _check_offsets(raw)


def test_images_code_fences_tables_and_rules_are_dropped() -> None:
    raw = (
        "![A photo](x.png)\n\nText one.\n\n```python\nprint('no claims here')\n```\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n\nText two.\n"
    )
    assert [u.text for u in parse_markup(raw).units] == ["Text one.", "Text two."]


def test_hard_wrapped_paragraph_is_one_unit_but_a_credit_line_stands_alone() -> None:
    raw = (
        "Lavrov said that Moscow was suspending its mission to NATO from\n"
        "November 1 after the alliance expelled eight Russians.\n"
        "AP\n"
    )
    texts = [u.text for u in parse_markup(raw).units]
    assert texts == [
        "Lavrov said that Moscow was suspending its mission to NATO from November 1 after the alliance "
        "expelled eight Russians.",
        "AP",
    ]
    _check_offsets(raw)


def test_setext_heading_and_crlf() -> None:
    raw = "Strained relations\r\n==================\r\n\r\nRussia has an observer mission.\r\n"
    units = parse_markup(raw).units
    assert [(u.text, u.heading) for u in units] == [
        ("Strained relations", True),
        ("Russia has an observer mission.", False),
    ]
    _check_offsets(raw)


def test_intraword_underscores_and_lone_stars_stay() -> None:
    raw = "The file snake_case_name has 5 * 3 = 15 rows."
    (unit,) = parse_markup(raw).units
    assert unit.text == raw


def test_markdown_noise_is_dropped() -> None:
    source = (
        "---\nlayout: post\n---\n# Title\n\nText with `code`, ![img](a.png) and [ref][1] and <b>html</b>.\n\n"
        "```python\nprint('no')\n```\n\n> Quoted line\n\n1. First item\n2. Second item\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n[1]: http://example.com\n"
    )
    title, text = markdown_to_text(source)
    assert title == "Title"
    assert text.split("\n\n") == [
        "Title",
        "Text with code, and ref and html.",
        "Quoted line",
        "First item",
        "Second item",
        "a; b",
        "1; 2",
    ]


def test_wikipedia_dump_residue_is_removed() -> None:
    source = (
        "border |image_size = 125px |caption = Flag |headquarters = Brussels }}\n\n"
        "The NORTH ATLANTIC TREATY ORGANIZATION (NATO ; ; __), is an alliance.[2][3] It was founded "
        "in 1949.[9]\n\njoined in 1955.|alt=A long room.]] The Warsaw Pact followed.\n\n"
        "[1] Some reference note.\n\n[2]\n\nCategory:Military alliances Category:Organisations\n"
    )
    _, text = markdown_to_text(source)
    assert text == (
        "The NORTH ATLANTIC TREATY ORGANIZATION (NATO), is an alliance. It was founded in 1949.\n\n"
        "The Warsaw Pact followed."
    )


def test_text_and_units_come_from_one_reading() -> None:
    raw = (
        "---\ntitle: x\n---\n# Head\n\nOne line\nwrapped here. [H]istorians wrote 38.5\xa0million.\n\n"
        "- item\n    - nested item\n1949. A year opens this line.\n\n[12] A reference note\nstill the note.\n\n"
        "| cell **a** | b |\n|---|---|\n"
    )
    units = [u.text for u in parse_markup(raw).units]
    assert units == [
        "Head",
        "One line wrapped here. [H]istorians wrote 38.5 million.",
        "item",
        "nested item",
        "1949. A year opens this line.",
    ]
    _check_offsets(raw)
    title, text = markdown_to_text(raw)
    assert title == "Head"
    assert text.split("\n\n") == [
        "Head",
        "One line wrapped here. [H]istorians wrote 38.5\xa0million.",
        "item",
        "nested item 1949. A year opens this line.",
        "cell a; b",
    ]
