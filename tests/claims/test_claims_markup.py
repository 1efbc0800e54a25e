"""Markdown-aware units: markup leaves the text, every character keeps its raw offset."""

from __future__ import annotations

from claims.markup import parse_markup


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
