"""Search over a real index built with the real model: ranking, fusion, sentences, determinism."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from evidence import Evidence, FusionConfig, open_index
from evidence.retrieve import fuse, lexical_trust, shared_ranks


def test_search_returns_k_ranked_evidence_per_query_in_query_order(built_index: Path, embedder) -> None:
    queries = ["When was the Eiffel Tower completed?", "Which country produces the most coffee?"]
    with open_index(built_index, embedder) as index:
        results = index.search(queries, k=3)
    assert len(results) == 2
    assert [len(r) for r in results] == [3, 3]
    assert [e.rank for e in results[0]] == [1, 2, 3]
    assert results[0][0].doc_id == "science/tower.txt"
    assert results[1][0].doc_id == "web/coffee.html"
    assert all(r[i].score >= r[i + 1].score for r in results for i in range(len(r) - 1))


def test_best_sentence_and_its_offsets_point_into_the_document(built_index: Path, embedder) -> None:
    with open_index(built_index, embedder) as index:
        ((top, *_),) = index.search(["How tall is the Eiffel Tower in metres?"], k=2)
        text = index.connection.execute("SELECT text FROM documents WHERE id = ?", (top.doc_id,)).fetchone()[0]
    assert top.sentence == "The tower is 330 metres tall."
    assert text[top.sentence_start : top.sentence_end] == top.sentence
    assert top.sentence in top.passage_text
    assert -1.0 <= top.sentence_score <= 1.0 and -1.0 <= top.dense_score <= 1.0
    assert top.doc_title == "tower" and top.doc_path == "science/tower.txt"


def test_exact_numbers_and_names_are_found_by_fts_where_dense_search_misses(built_index: Path, embedder) -> None:
    queries = ["Was invoice 73319 paid?", "payment from supplier Kowalczyk"]
    wanted = ["notes/invoice_73319.txt", "notes/invoice_85523.txt"]
    top = {}
    for mode in ("dense", "lexical", "hybrid"):
        with open_index(built_index, embedder, fusion=FusionConfig(mode=mode)) as index:
            top[mode] = [r[0].doc_id for r in index.search(queries, k=1)]
    assert top["lexical"] == wanted
    assert top["hybrid"] == wanted
    # The reason the lexical half exists: the embedding alone does not single out the number.
    assert top["dense"][0] != wanted[0]


def test_lexical_hits_on_ubiquitous_words_only_do_not_count(built_index: Path, embedder) -> None:
    # Every note says "invoice" and "paid": BM25 gives them about zero, so they are no lexical hit.
    with open_index(built_index, embedder, fusion=FusionConfig(mode="lexical")) as index:
        (hits,) = index.search(["invoice paid"], k=5)
    assert hits == ()


def test_results_are_deterministic_and_independent_of_batching(built_index: Path, embedder) -> None:
    queries = ["Vitamin D and calcium", "sleep and fatigue", "Moon atmosphere", "invoice 48213"]
    with open_index(built_index, embedder) as index:
        together = index.search(queries, k=4)
        again = index.search(queries, k=4)
        alone = tuple(index.search([q], k=4)[0] for q in queries)
    ids = lambda results: [[(e.passage_id, e.sentence_start) for e in r] for r in results]  # noqa: E731
    assert ids(together) == ids(again) == ids(alone)
    for a, b in zip(together, alone, strict=True):
        assert [e.score for e in a] == [e.score for e in b]
        assert [e.dense_score for e in a] == pytest.approx([e.dense_score for e in b], abs=1e-5)


def test_fts_syntax_in_queries_never_raises(built_index: Path, embedder) -> None:
    nasty = ['"unbalanced', "AND OR NOT", "NEAR(a b)", "col:value", "*", "a^b", "'; DROP TABLE passages; --", ""]
    with open_index(built_index, embedder) as index:
        results = index.search(nasty, k=2)
    assert len(results) == len(nasty)
    assert all(len(r) == 2 and all(isinstance(e, Evidence) for e in r) for r in results)


def test_search_rejects_bad_k_and_handles_no_queries(built_index: Path, embedder) -> None:
    with open_index(built_index, embedder) as index:
        assert index.search([], k=3) == ()
        with pytest.raises(ValueError):
            index.search(["x"], k=0)
        big = index.search(["coffee"], k=1000)
    assert len(big[0]) == index.manifest.passages


def test_rrf_fusion_orders_by_weighted_reciprocal_rank_with_id_ties() -> None:
    config = FusionConfig(rrf_k=10, dense_weight=1.0, lexical_weight=1.0)
    fused = fuse([(5, 0.9), (3, 0.8), (9, 0.7)], [(3, 12.0), (7, 4.0)], config)
    assert [pid for pid, _ in fused] == [3, 5, 7, 9]
    assert fused[0][1] == pytest.approx(1 / 12 + 1 / 11)
    # Same fused score: the smaller passage id comes first.
    tie = fuse([(4, 0.9), (2, 0.8)], [(2, 5.0), (4, 4.0)], config)
    assert [pid for pid, _ in tie] == [2, 4]
    lexical_only = fuse(
        [(1, 0.9), (2, 0.8)], [(2, 5.0), (1, 4.0)], FusionConfig(rrf_k=10, dense_weight=0.0, lexical_weight=1.0)
    )
    assert [pid for pid, _ in lexical_only] == [2, 1]


def test_equal_scores_share_a_rank() -> None:
    assert shared_ranks([9.0, 7.0, 7.0, 7.0, 2.0]) == [1, 2, 2, 2, 5]
    fused = fuse([], [(8, 3.0), (2, 1.0), (5, 1.0)], FusionConfig(rrf_k=0, lexical_weight=1.0))
    assert fused == [(8, 1.0), (2, 0.5), (5, 0.5)]


def _bm25_list(scores: list[float]) -> list[tuple[int, float]]:
    return [(100 + i, score) for i, score in enumerate(scores)]


def test_lexical_trust_follows_how_peaked_the_bm25_list_is() -> None:
    config = FusionConfig(peak_depth=4, peak_scale=2.0)
    # The best passage stands far above the fourth: distinctive words matched, full weight.
    assert lexical_trust(_bm25_list([20.0, 6.0, 5.0, 4.0, 3.0]), config) == 1.0
    # Nearly flat: only common words matched; (10 - 9) / 10 * 2 = 0.2 of the weight.
    assert lexical_trust(_bm25_list([10.0, 9.8, 9.5, 9.0, 8.0]), config) == pytest.approx(0.2)
    # Fewer matches than peak_depth: the words were rare, full weight.
    assert lexical_trust(_bm25_list([3.0, 2.9]), config) == 1.0
    # peak_scale 0 is plain weighted RRF.
    assert lexical_trust(_bm25_list([10.0, 9.8, 9.5, 9.0]), FusionConfig(peak_depth=4, peak_scale=0.0)) == 1.0


def test_a_flat_lexical_list_cannot_outvote_the_dense_list() -> None:
    dense = [(1, 0.9), (2, 0.8), (3, 0.7), (4, 0.6)]
    config = FusionConfig(rrf_k=1, peak_depth=4, peak_scale=2.0)
    # Same lexical order twice; only the height of the best BM25 score differs.
    peaked = [(3, 30.0), (4, 9.9), (2, 9.8), (1, 9.7)]
    flat = [(3, 10.0), (4, 9.9), (2, 9.8), (1, 9.7)]
    assert fuse(dense, peaked, config)[0] == (3, pytest.approx(1 / 4 + 1 / 2))
    assert fuse(dense, flat, config)[0][0] == 1
    # With a constant weight the flat list would have won too.
    assert fuse(dense, flat, FusionConfig(rrf_k=1, peak_depth=4, peak_scale=0.0))[0][0] == 3


def test_fusion_config_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="peak_depth"):
        FusionConfig(peak_depth=1)
    with pytest.raises(ValueError, match="peak_scale"):
        FusionConfig(peak_scale=-1.0)


def test_fusion_config_rejects_unknown_mode() -> None:
    with pytest.raises(ValueError, match="unknown retrieval mode"):
        FusionConfig(mode="magic")


def test_several_sentences_per_passage_come_best_first_with_the_passage_rank(built_index: Path, embedder) -> None:
    query = "How tall is the Eiffel Tower in metres?"
    with open_index(built_index, embedder) as index:
        (one,) = index.search([query], k=2)
        (three,) = index.search([query], k=2, sentences=3)
        with pytest.raises(ValueError, match="sentences must be at least 1"):
            index.search([query], k=2, sentences=0)
    assert len(three) > len(one), "the tower passage has more than one sentence"
    # The first sentence of each passage is the one a one-sentence search returns.
    firsts = [ev for i, ev in enumerate(three) if i == 0 or three[i - 1].passage_id != ev.passage_id]
    assert firsts == list(one)
    for passage in {ev.passage_id for ev in three}:
        group = [ev for ev in three if ev.passage_id == passage]
        assert 1 <= len(group) <= 3 and len({ev.rank for ev in group}) == 1
        assert len({ev.sentence_start for ev in group}) == len(group), "no sentence twice"
        assert all(a.sentence_score >= b.sentence_score for a, b in itertools.pairwise(group))
        assert all(ev.sentence in ev.passage_text for ev in group)
    assert [ev.rank for ev in three] == sorted(ev.rank for ev in three)


def test_each_sentence_comes_with_the_sentence_before_it_in_its_passage(tmp_path: Path, embedder) -> None:
    from evidence import BuildOptions, IndexSettings, build_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "tower.txt").write_text(
        "The Eiffel Tower stands on the Champ de Mars in Paris. It was finished in 1889 for a world fair. "
        "Its iron lattice is 330 metres tall. Gustave Eiffel's company designed and built it. "
        "Millions of people visit it every year. Radio antennas were added to its top later.",
        encoding="utf-8",
    )
    build_index(corpus, tmp_path / "index", embedder, BuildOptions(IndexSettings(passage_words=25)))
    with open_index(tmp_path / "index", embedder) as index:
        (found,) = index.search(["How tall is the Eiffel Tower?"], k=10, sentences=10)
        conn = index.connection
        text = conn.execute("SELECT text FROM documents").fetchone()[0]
        spans = conn.execute("SELECT start, end FROM sentences ORDER BY idx").fetchall()
        bounds = dict(conn.execute("SELECT id, first_sentence FROM passages").fetchall())
    assert len(set(bounds.values())) > 1, "the document is cut into several passages"
    assert {ev.sentence_start for ev in found} == {start for start, _ in spans}, "every sentence was read"
    index_of = {start: i for i, (start, _) in enumerate(spans)}
    for ev in found:
        i = index_of[ev.sentence_start]
        if i == bounds[ev.passage_id]:
            assert ev.context == "", "a passage's first sentence has nothing before it in the passage"
        else:
            assert ev.context == text[spans[i - 1][0] : spans[i - 1][1]]
            assert ev.context in ev.passage_text
    assert any(ev.context for ev in found)
