"""documents.html: the readable main text and title of a page, for articles and corpus files alike."""

from __future__ import annotations

from documents import html_to_text


def test_html_keeps_main_text_only() -> None:
    page = (
        "<html><head><title> Shop  news </title><script>alert(1)</script><style>b{}</style></head><body>"
        "<header>Site header</header><nav><a href='/'>Home</a></nav>"
        "<article><h1>Prices rose</h1><p>Prices rose by 3% in May.</p><aside>Ad</aside>"
        "<p>Analysts expected 2%.<br>They were wrong.</p></article>"
        "<footer>Footer text</footer><div>Comment section</div></body></html>"
    )
    title, text = html_to_text(page)
    assert title == "Shop news"
    # <br> breaks a line, not a paragraph: the sentence splitter still sees two sentences
    assert text == "Prices rose\n\nPrices rose by 3% in May.\n\nAnalysts expected 2%. They were wrong."


def test_html_without_main_keeps_body_blocks_but_not_boilerplate() -> None:
    title, text = html_to_text("<body><nav>Menu</nav><h2>Title</h2><p>One.</p><footer>Bye</footer></body>")
    assert (title, text) == ("", "Title\n\nOne.")


def test_html_title_falls_back_to_the_first_h1() -> None:
    title, _ = html_to_text("<body><nav><h1>Site</h1></nav><h1>Big <b>news</b></h1><h1>Later</h1><p>x</p></body>")
    assert title == "Big news"


def test_html_prefers_the_article_element() -> None:
    html = (
        "<body><div>Cookie banner text.</div><article><p>The treaty was signed in 1949.</p></article>"
        "<div>Unrelated promo.</div></body>"
    )
    assert html_to_text(html) == ("", "The treaty was signed in 1949.")


def test_html_entities_and_unclosed_paragraphs() -> None:
    assert html_to_text("<p>Fish &amp; chips<p>Caf&eacute; &#8212; open")[1] == "Fish & chips\n\nCafé — open"
