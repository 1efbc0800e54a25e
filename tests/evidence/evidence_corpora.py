"""Small corpora the evidence tests write to disk (shared by conftest.py and the test modules)."""

from __future__ import annotations

from pathlib import Path

# Ten near-identical notes that differ only in names and numbers: dense vectors barely tell them
# apart, which is what the lexical half of the search is for.
NOTES = {
    f"notes/invoice_{number}.txt": (
        f"Invoice {number} from supplier {supplier} was paid on {day} March 2021. "
        f"The payment covered spare parts for the cooling system of plant {plant}."
    )
    for number, supplier, day, plant in [
        (48213, "Halvorsen", 3, "North"),
        (51977, "Okonkwo", 5, "South"),
        (60442, "Lindqvist", 8, "East"),
        (73319, "Barraza", 11, "West"),
        (80056, "Nakamura", 14, "Central"),
        (81190, "Fitzgerald", 17, "Harbour"),
        (85523, "Kowalczyk", 19, "Airport"),
        (90871, "Delacroix", 22, "Valley"),
        (93302, "Mbeki", 25, "Ridge"),
        (97714, "Sorensen", 28, "Lake"),
    ]
}

ARTICLES = {
    "science/tower.txt": (
        "The Eiffel Tower is a wrought-iron lattice tower in Paris. It was designed by the company of "
        "Gustave Eiffel and completed in 1889 as the entrance to the World's Fair.\n\n"
        "The tower is 330 metres tall. It was the tallest man-made structure in the world until the "
        "Chrysler Building in New York was finished in 1930."
    ),
    "science/moon.md": (
        "# The Moon\n\nThe **Moon** is Earth's only natural satellite.[1] It orbits at an average distance "
        "of about 384,400 km.\n\n## Surface\n\nThe Moon has no substantial _atmosphere_, so its sky is "
        "always black.\n\n[1] Reference note that must not be indexed.\n"
    ),
    "web/coffee.html": (
        "<html><head><title>Coffee</title><style>p {color: red}</style></head><body>"
        "<nav>Home | Menu | Contact</nav><header>Daily Brew Blog</header>"
        "<main><h1>Coffee</h1><p>Coffee beans are the seeds of the Coffea plant. Brazil is the largest "
        "producer of coffee in the world.</p><script>var tracking = 1;</script></main>"
        "<footer>Copyright 2024</footer></body></html>"
    ),
    "data/abstracts.jsonl": (
        '{"doc_id": 101, "title": "Vitamin D and bones", "abstract": ["Vitamin D increases calcium '
        'absorption in the gut.", "Low vitamin D levels are linked to weaker bones in older adults."]}\n'
        '{"id": "b7", "title": "Sleep", "text": "Adults who sleep less than six hours a night report more '
        'daytime fatigue."}\n'
    ),
}


def write_corpus(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
