import pytest

from assistant.retrieval import reciprocal_rank_fusion


def test_rrf_rewards_agreement_between_rankings():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]])
    assert fused["a"] == pytest.approx(fused["b"])
    assert fused["a"] > fused["c"] and fused["a"] > fused["d"]


def test_rrf_single_ranking_keeps_its_order():
    fused = reciprocal_rank_fusion([["x", "y", "z"]])
    assert sorted(fused, key=fused.get, reverse=True) == ["x", "y", "z"]


def test_rrf_of_nothing_is_empty():
    assert reciprocal_rank_fusion([]) == {} and reciprocal_rank_fusion([[], []]) == {}


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_retrieve_each_mode_returns_top_k_with_similarities(course, mode):
    retrieval = course.retrieve("Which service scans S3 buckets for PII?", mode=mode, top_k=4)
    assert len(retrieval.passages) == 4
    assert retrieval.mode == mode
    assert all(-1.0 <= p.similarity <= 1.0 for p in retrieval.passages)
    assert any("Macie" in p.chunk.text for p in retrieval.passages[:3])


def test_retrieve_dense_orders_by_similarity(course):
    passages = course.retrieve("visual data preparation without code", mode="dense").passages
    similarities = [p.similarity for p in passages]
    assert similarities == sorted(similarities, reverse=True)


def test_retrieve_bm25_finds_exact_rare_terms(course):
    passages = course.retrieve("MSCK REPAIR TABLE", mode="bm25").passages
    assert "MSCK REPAIR TABLE" in passages[0].chunk.text


def test_retrieve_rejects_unknown_mode(course):
    with pytest.raises(ValueError, match="hybrid, dense, bm25"):
        course.retrieve("anything", mode="magic")


def test_retrieve_embeds_the_query_itself_the_same_way(course):
    import numpy as np

    question = "Which service scans S3 buckets for PII?"
    vector = np.asarray(course.embeddings.encode_queries([question])[0], dtype=np.float32)
    given = course.index.retriever.retrieve(question, 5, query_vector=vector)
    own = course.index.retriever.retrieve(question, 5)
    assert [p.chunk.id for p in own.passages] == [p.chunk.id for p in given.passages]
    assert np.allclose(own.query_vector, vector, atol=1e-5) and own.turn_vector is None
    follow = course.index.retriever.retrieve(
        f"{question} and what about alerts?", 5, turn_text="and what about alerts?"
    )
    assert follow.turn_vector is not None and follow.turn_vector.shape == vector.shape


def test_retrieve_concurrent_questions_keep_their_own_results(course):
    from concurrent.futures import ThreadPoolExecutor

    questions = [
        "Which service scans S3 buckets for PII?",
        "MSCK REPAIR TABLE",
        "visual data preparation without code",
    ] * 4
    alone = {q: [p.chunk.id for p in course.retrieve(q).passages] for q in set(questions)}
    with ThreadPoolExecutor(6) as pool:
        together = list(pool.map(lambda q: [p.chunk.id for p in course.retrieve(q).passages], questions))
    assert together == [alone[q] for q in questions]
