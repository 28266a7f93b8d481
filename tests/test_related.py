"""Related articles, story clusters and teaser links."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from dedup.cli import main
from dedup._arrays import row_products
from dedup.engine import Deduplicator
from dedup.record import Record
from dedup.related import (
    RelatedConfig,
    RelatedFinder,
    headline_match,
    neighbour_pairs,
    prune_rows,
    related_sections,
    tfidf_matrix,
)

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
T0 = datetime(2024, 3, 11, 8, 0, tzinfo=timezone.utc)

# Two independently written reports of one event (different wording, same names),
# a follow-up days later, and an unrelated story.
FLOOD_A = ("شهدت مدينة جدة أمطارا غزيرة صباح اليوم أدت إلى جريان السيول في أحياء الصفا والمروة "
           "وأعلن الدفاع المدني في محافظة جدة رفع درجة الاستعداد وإغلاق نفق الملك عبدالله أمام حركة السير "
           "وقال المتحدث باسم الدفاع المدني إن الفرق باشرت سحب المياه من الشوارع دون تسجيل إصابات")
FLOOD_B = ("غمرت مياه الأمطار عددا من شوارع جدة بعد هطول غزير استمر ساعات وتسبب في إغلاق نفق الملك عبدالله "
           "وأوضح الدفاع المدني أن فرقه تعاملت مع بلاغات في حي الصفا وحي المروة وأنه لم تسجل أي إصابات "
           "ودعا السكان إلى الابتعاد عن مجاري السيول في جدة")
MATCH = ("فاز فريق الاتفاق على ضيفه الرائد بهدفين مقابل هدف في المباراة التي جمعتهما على ملعب مدينة الأمير "
         "محمد بن فهد بالدمام ضمن الجولة العشرين من دوري روشن وسجل للاتفاق مهاجمه في الشوط الثاني")


def _recs():
    return [
        Record(id="a", title="أمطار غزيرة وسيول في جدة", text=FLOOD_A, source="okaz", published=T0),
        Record(id="b", title="إغلاق نفق الملك عبدالله بعد سيول جدة", text=FLOOD_B, source="sabq",
               published=T0 + timedelta(hours=3)),
        Record(id="c", title="الاتفاق يفوز على الرائد", text=MATCH, source="riyadiya", published=T0),
        Record(id="t1", title="أمطار غزيرة وسيول في جدة", text="", kind="teaser", page="p"),
        Record(id="t2", title="ارتفاع أسعار الذهب في الأسواق العالمية", text="", kind="teaser", page="p"),
    ]


def test_independent_reports_of_one_event_are_related_and_one_story():
    d = Deduplicator().fit(_recs())
    rf = RelatedFinder().fit(d)
    ids = [r.id for r in d.records_]
    pairs = {(ids[a], ids[b]) for a, b in rf.pairs_.tolist()}
    assert ("a", "b") in pairs
    assert not any("c" in p for p in pairs)
    stories = [sorted(ids[i] for i in s) for s in rf.stories_]
    # the teaser announcing "a" joins a's story; the unresolved one joins nothing
    assert ["a", "b", "t1"] in stories
    assert not any("t2" in s for s in stories)


def test_time_window_separates_far_apart_articles():
    recs = _recs()
    recs[1] = Record(id="b", title=recs[1].title, text=FLOOD_B, source="sabq", published=T0 + timedelta(days=10))
    rf = RelatedFinder().fit(Deduplicator().fit(recs))
    assert len(rf.pairs_) == 0


def test_teaser_links_to_article_whose_title_it_is_and_unresolved_otherwise():
    d = Deduplicator().fit(_recs())
    rf = RelatedFinder().fit(d)
    ids = [r.id for r in d.records_]
    links = {ids[t]: (None if a is None else ids[a], s) for t, a, s in rf.teaser_links_}
    assert links["t1"] == ("a", 1.0)
    assert links["t2"][0] is None


def test_teaser_prefers_the_embedded_article_on_its_own_page():
    recs = _recs() + [Record(id="p#1", title="أمطار غزيرة وسيول في جدة", text=FLOOD_A + " وأضاف المتحدث أن الوضع مستقر",
                             kind="embedded", page="p")]
    rf = RelatedFinder().fit(Deduplicator().fit(recs))
    ids = [r.id for r in recs]
    link = [(ids[t], ids[a]) for t, a, _ in rf.teaser_links_ if a is not None]
    assert ("t1", "p#1") in link


@pytest.mark.parametrize("a,b", [
    ("سيف بن زايد يلتقي في موسكو المدعي العام الروسي", "سيف بن زايد يلتقي وزير الداخلية الروسي في موسكو"),
    ("بقاء الدولار قرب أعلى مستوى واستقرار للذهب", "الدولار قرب أدنى مستوى والدولار يتدهور"),
])
def test_headlines_naming_another_event_do_not_match(a, b):
    assert min(headline_match(a, b), headline_match(b, a)) < RelatedConfig().teaser_min_score


@pytest.mark.parametrize("a,b", [
    ("كيم جونغ أون يزور موسكو", "كيم جونج اون يزور موسكو"),
    ("زعيم كوريا الشمالية يصل إلى بيونغ يانغ", "زعيم كوريا الشمالیة يصل إلى بیونغ یانغ"),
])
def test_spelling_variants_match(a, b):
    assert headline_match(a, b) == 1.0


def test_neighbour_pairs_top_k_and_no_self_pairs():
    m = tfidf_matrix([["x", "y", "z"], ["x", "y", "z"], ["x", "y", "w"], ["q"]])
    pairs, cos = neighbour_pairs(m, np.full(4, np.nan), k=1, min_cosine=0.1)
    assert all(a < b for a, b in pairs.tolist())
    assert [0, 1] in pairs.tolist()
    assert not any(3 in p for p in pairs.tolist())
    assert np.all((cos >= 0.1) & (cos <= 1.0 + 1e-9))


def _random_docs(seed: int, n: int, words: int, sizes: tuple[int, int], undated: float, days: int):
    """TF-IDF rows of ``n`` random documents and their dates (whole days; a share undated)."""
    rng = np.random.default_rng(seed)
    vocab = [f"w{j}" for j in range(words)]
    docs = [list(rng.choice(vocab, size=int(rng.integers(*sizes)))) for _ in range(n)]
    pub = np.where(rng.random(n) < undated, np.nan, rng.integers(0, days, n) * 86400.0)
    return tfidf_matrix(docs), pub


@pytest.mark.parametrize("chunk", [1, 3, 7])
def test_neighbour_pairs_on_threads_equal_one_piece(chunk):
    m, pub = _random_docs(1, 25, 30, (1, 12), undated=0.3, days=10)
    whole = neighbour_pairs(m, pub, k=3, min_cosine=0.1, chunk=1000)
    assert len(whole[0]) > 5
    for workers in (1, 2):
        got = neighbour_pairs(m, pub, k=3, min_cosine=0.1, chunk=chunk, workers=workers)
        assert np.array_equal(got[0], whole[0]) and np.array_equal(got[1], whole[1])


def _brute_neighbours(m, pub, k, min_cosine, window_days, prune):
    """The definition: every row against every column, then the window, top-k, union, full-row cosine."""
    xp = prune_rows(m, prune) if prune else m
    sims = (xp @ xp.T).toarray()  # scipy sums each cosine over the row's words in order, as the blocks do
    active = np.diff(m.indptr) > 0
    found = set()
    for i in np.flatnonzero(active):
        cands = []
        for j in np.flatnonzero(active):
            v = sims[i, j]
            far = window_days > 0 and abs(pub[i] - pub[j]) / 86400.0 > window_days  # False when undated
            if j != i and v != 0 and v >= min_cosine * 0.5 and not far:
                cands.append((-v, j))
        for _, j in sorted(cands)[:k]:
            found.add((min(i, j), max(i, j)))
    pairs = np.array(sorted(found), dtype=np.int64).reshape(-1, 2)
    cos = row_products(m, pairs[:, 0], pairs[:, 1])
    return pairs[cos >= min_cosine], cos[cos >= min_cosine]


@pytest.mark.parametrize("window_days", [0.0, 1.0, 3.0])
def test_neighbour_pairs_time_ordered_blocks_equal_the_definition(window_days):
    # dates on whole days (pairs exactly at the window's edge), a quarter undated,
    # empty rows; blocks of any size, one or two threads
    m, pub = _random_docs(7, 60, 12, (0, 8), undated=0.25, days=12)
    want = _brute_neighbours(m, pub, 3, 0.1, window_days, prune=4)
    assert len(want[0]) > 20
    for chunk, workers in ((1, 1), (7, 2), (1000, 1)):
        got = neighbour_pairs(m, pub, k=3, min_cosine=0.1, window_days=window_days, chunk=chunk, prune=4,
                              workers=workers)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def test_related_config_validation():
    with pytest.raises(ValueError):
        RelatedConfig(k=0)
    with pytest.raises(ValueError):
        RelatedConfig(window_days=-1)


def test_report_sections_use_record_ids():
    d = Deduplicator().fit(_recs())
    sec = related_sections(d)
    ids = {r.id for r in d.records_}
    assert all(p["a"] in ids and p["b"] in ids for p in sec["related"])
    assert all(set(s["members"]) <= ids for s in sec["stories"])
    assert {t["teaser"] for t in sec["teaser_links"]} == {"t1", "t2"}
    # an unresolved teaser says why; a resolved one has no such key
    assert {t["teaser"]: t.get("unresolved") for t in sec["teaser_links"]} == {"t1": None, "t2": "no match"}


def _write_articles(path, extra=()):
    """The three articles of :func:`_recs` as JSON Lines, then ``extra`` raw records."""
    import json

    with path.open("w", encoding="utf-8") as fh:
        for r in _recs()[:3]:
            fh.write(json.dumps({"id": r.id, "title": r.title, "text": r.text, "source": r.source,
                                 "published": r.published.isoformat()}, ensure_ascii=False) + "\n")
        for raw in extra:
            fh.write(json.dumps(raw, ensure_ascii=False) + "\n")
    return path


def test_related_command_lists_best_first(tmp_path):
    import json

    path = _write_articles(tmp_path / "in.jsonl")
    res = CliRunner().invoke(main, ["related", "a", "-i", str(path), "-q", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert rows and rows[0]["id"] == "b"
    assert all(r["id"] != "c" for r in rows)
    res = CliRunner().invoke(main, ["related", "nope", "-i", str(path), "-q"])
    assert res.exit_code != 0 and "no article with id" in res.output


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not present (../shared/seeds)")
def test_seed_teasers_link_to_their_pages_embedded_articles():
    import json

    res = CliRunner().invoke(main, ["report", str(SEEDS), "--format", "json", "-q"])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.output)
    links = {t["teaser"]: t["article"] for t in rep["teaser_links"]}
    assert links["000_f3b9297b7872c95e#2"] == "000_f3b9297b7872c95e#1"
    assert links["002_fc06a514c71ab966#2"] == "002_fc06a514c71ab966#1"
    # the Saif bin Zayed look-alikes are neither linked to each other nor to one article
    assert links["002_fc06a514c71ab966#4"] is None and links["002_fc06a514c71ab966#10"] is None
    seg = CliRunner().invoke(main, ["segment", str(SEEDS), "--format", "jsonl", "-q"])
    seg_ids = {json.loads(line)["id"] for line in seg.output.splitlines() if line.strip()}
    assert set(links) <= seg_ids
    # 001 (Lavrov in Pyongyang) and 002 (Choe Son Hui in Moscow) are related, not duplicates
    pairs = {(p["a"], p["b"]) for p in rep["related"]}
    assert ("001_05867d2d627bfb71#0", "002_fc06a514c71ab966#0") in pairs
    assert rep["summary"]["clusters"] == 0
    # headline-only stories (DOMAIN.md): the two "negotiations without preconditions" teasers
    # of 000 are one story; Saif's are not (the navy pair: see the xfail below)
    story_of = {m: s["id"] for s in rep["stories"] for m in s["members"]}
    assert story_of.get("000_f3b9297b7872c95e#6") and story_of["000_f3b9297b7872c95e#6"] == story_of.get("000_f3b9297b7872c95e#7")
    assert story_of.get("002_fc06a514c71ab966#4") is None or story_of.get("002_fc06a514c71ab966#4") != story_of.get("002_fc06a514c71ab966#10")
    # a teaser resolved to its page's embedded article is in that article's story
    assert story_of["000_f3b9297b7872c95e#2"] == story_of["000_f3b9297b7872c95e#1"]


def test_headline_model_tells_a_rewrite_from_a_swapped_slot():
    from dedup.headline import FEATURES, headline_features, same_story_probability

    saif = ("سيف بن زايد يلتقي في موسكو المدعي العام الروسي", "سيف بن زايد يلتقي وزير الداخلية الروسي في موسكو")
    putin = ("بوتين: روسيا مستعدة للتفاوض مع أوكرانيا دون شروط مسبقة",
             "الكرملين: بوتين أبلغ الموفد الأمريكي استعداد روسيا للتفاوض من دون شروط مسبقة")
    f = dict(zip(FEATURES, headline_features(*saif)))
    assert f["substitutions"] == 1 and f["insertions"] == 0  # one slot, two different officials
    f = dict(zip(FEATURES, headline_features(*putin)))
    assert f["substitutions"] == 0 and f["insertions"] >= 2  # one side adds who said it and to whom
    assert same_story_probability(*saif) < 0.5 < same_story_probability(*putin)
    # symmetric, and an identical headline is the same story
    assert same_story_probability(*saif) == pytest.approx(same_story_probability(saif[1], saif[0]))
    assert same_story_probability(putin[0], putin[0]) == 1.0
    # negation turns a claim around
    assert same_story_probability("الوزارة تؤكد رفع أسعار الوقود", "الوزارة تنفي رفع أسعار الوقود") < 0.5


def test_unresolved_headlines_form_stories_only_when_they_share_content():
    recs = [Record(id="p1", title="بوتين: روسيا مستعدة للتفاوض مع أوكرانيا دون شروط مسبقة", text="", kind="teaser", page="x"),
            Record(id="p2", title="الكرملين: بوتين أبلغ الموفد الأمريكي استعداد روسيا للتفاوض من دون شروط مسبقة",
                   text="", kind="teaser", page="x"),
            Record(id="p3", title="بعد لقاء ويتكوف مع بوتين.. ترامب: روسيا وأوكرانيا قريبتان للغاية من الاتفاق",
                   text="", kind="teaser", page="x"),
            Record(id="s1", title="سيف بن زايد يلتقي في موسكو المدعي العام الروسي", text="", kind="teaser", page="y"),
            Record(id="s2", title="سيف بن زايد يلتقي وزير الداخلية الروسي في موسكو", text="", kind="teaser", page="y")]
    d = Deduplicator().fit(recs)
    rf = RelatedFinder().fit(d)
    ids = [r.id for r in recs]
    assert [sorted(ids[i] for i in s) for s in rf.stories_] == [["p1", "p2"]]
    assert all(a is None for _, a, _ in rf.teaser_links_)


@pytest.mark.xfail(strict=True, reason="known gap (issue 4): a rewritten predicate (يأمر بتعزيز القدرات / يوجه بسرعة "
                   "التسليح) looks like a swapped slot to the headline model; it needs word meaning, not word overlap")
def test_seed_navy_teasers_are_one_story():
    from dedup.headline import same_story_probability

    assert same_story_probability("بالصور.. زعيم كوريا الشمالية يأمر بتعزيز القدرات النووية البحرية",
                                  "زعيم كوريا الشمالية يوجه بسرعة التسليح النووي لقواته البحرية") >= RelatedConfig().headline_story


def test_teaser_cut_short_or_labelled_still_links_to_its_article():
    title = "افتتاح معرض الرياض الدولي للكتاب بمشاركة ألف دار نشر من ثلاثين دولة"
    body = "افتتح أمير منطقة الرياض معرض الكتاب الدولي اليوم بمشاركة ألف دار نشر من ثلاثين دولة وسط حضور كبير من الزوار والمثقفين"
    recs = [Record(id="a", title=title, text=body, published=T0),
            Record(id="t1", title="افتتاح معرض الرياض الدولي للكتاب بمشاركة ألف دا", text="", kind="teaser", page="p"),
            Record(id="t2", title="بالصور.. افتتاح معرض الرياض الدولي للكتاب بمشاركة ألف دار نشر من ثلاثين دولة",
                   text="", kind="teaser", page="p"),
            Record(id="t3", title="افتتاح معرض جدة الدولي للكتاب", text="", kind="teaser", page="p")]
    rf = RelatedFinder().fit(Deduplicator().fit(recs))
    links = {recs[t].id: (None if a is None else recs[a].id) for t, a, _ in rf.teaser_links_}
    assert links == {"t1": "a", "t2": "a", "t3": None}


def _links(recs, cfg=None):
    rf = RelatedFinder(cfg).fit(Deduplicator().fit(recs))
    return rf, {recs[t].id: (None if a is None else recs[a].id, s) for t, a, s in rf.teaser_links_}


def test_section_labels_link_to_nothing_and_form_no_story():
    # "كاريكاتير" is every day's cartoon: found in the lead of an index page and
    # the exact title of one article, it names none of them
    index_page = Record(id="rss", title="خلاصات RSS", text="اشترك في خلاصات الأخبار المحليات الرياضة كاريكاتير الاقتصاد "
                        "والثقافة والرأي لتصلك آخر الأخبار أولا بأول من الصحيفة", published=T0)
    cartoon = Record(id="cartoon", title="كاريكاتير", text="رسم ساخر عن ازدحام الطرق في موسم الصيف مع عودة المدارس "
                     "وتكدس السيارات عند الإشارات", published=T0)
    labels = [Record(id=f"k{d}", title="كاريكاتير", text="", published=T0 + timedelta(days=d)) for d in range(4)]
    rf, links = _links([index_page, cartoon, *labels])
    assert all(links[f"k{d}"][0] is None for d in range(4))
    assert set(rf.teaser_reasons_.values()) == {"section label"}
    assert not any(len(s) > 1 and any(i >= 2 for i in s) for s in rf.stories_)
    # on its own page, a short headline still names the article it sits over
    page = [Record(id="p#0", title="أمطار جدة", text=FLOOD_A, kind="main", page="p"),
            Record(id="p#1", title="أمطار جدة", text="", kind="teaser", page="p")]
    assert _links(page)[1]["p#1"] == ("p#0", 1.0)


def test_a_title_shared_by_different_stories_is_ambiguous_but_copies_of_one_are_not():
    title = "أمير المنطقة يدشن مشروعات تنموية جديدة"
    other = ("دشن أمير منطقة تبوك مشروعات للمياه والصرف الصحي في محافظة ضباء بتكلفة تجاوزت مئتي مليون ريال "
             "وتشمل شبكات جديدة ومحطات ضخ وخزانات تخدم أحياء المحافظة الشمالية")
    recs = [Record(id="a", title=title, text=FLOOD_A, source="okaz", published=T0),
            Record(id="b", title=title, text=other, source="sabq", published=T0),
            Record(id="t", title=title, text="", kind="teaser", page="p")]
    rf, links = _links(recs)
    assert links["t"] == (None, 1.0)
    assert rf.teaser_reasons_ == {2: "ambiguous"}
    d = Deduplicator().fit(recs)
    assert related_sections(d)["teaser_links"][0]["unresolved"] == "ambiguous"
    copies = [Record(id="a", title=title, text=FLOOD_A, source="okaz", published=T0),
              Record(id="b", title=title, text=FLOOD_A + " وأضاف المتحدث أن الوضع مستقر", source="sabq",
                     published=T0 + timedelta(hours=1)),
              Record(id="t", title=title, text="", kind="teaser", page="p")]
    assert _links(copies)[1]["t"] == ("a", 1.0)


def test_a_dated_headline_does_not_announce_a_later_article():
    title = "أمطار غزيرة وسيول في جدة"
    later = [Record(id="a", title=title, text=FLOOD_A, published=T0 + timedelta(days=10)),
             Record(id="t", title=title, text="", published=T0)]
    rf, links = _links(later)
    assert links["t"][0] is None and rf.teaser_reasons_ == {1: "published later"}
    earlier = [Record(id="a", title=title, text=FLOOD_A, published=T0 - timedelta(days=10)),
               Record(id="t", title=title, text="", published=T0)]
    assert _links(earlier)[1]["t"][0] == "a"
    # with the window off, dates do not count
    assert _links(later, RelatedConfig(window_days=0))[1]["t"][0] == "a"


def test_headline_stories_stay_inside_the_time_window():
    # the same headline every other day: each neighbour is inside the 3-day
    # window, but the first and the last are not, so they are not one story
    head = "بوتين: روسيا مستعدة للتفاوض مع أوكرانيا دون شروط مسبقة"
    recs = [Record(id=f"h{d}", title=head, text="", published=T0 + timedelta(days=d)) for d in (0, 2, 4)]
    stories = RelatedFinder().fit(Deduplicator().fit(recs)).stories_
    assert len(stories) == 1 and len(stories[0]) == 2
    assert RelatedFinder().fit(Deduplicator().fit(recs[:2])).stories_ == [[0, 1]]


def test_min_headline_words_is_validated():
    with pytest.raises(ValueError):
        RelatedConfig(min_headline_words=0)


def test_related_command_says_why_a_headline_is_unresolved(tmp_path):
    path = _write_articles(tmp_path / "in.jsonl", [{"id": "cartoon", "title": "كاريكاتير", "text": FLOOD_A},
                                                   {"id": "k", "title": "كاريكاتير", "text": ""}])
    res = CliRunner().invoke(main, ["related", "k", "-i", str(path), "-q"])
    assert res.exit_code == 0, res.output
    assert "(a headline linked to no article: section label)" in res.output


def test_with_a_lower_bar_only_the_best_matches_compete():
    other = ("دشن أمير منطقة تبوك مشروعات للمياه والصرف الصحي في محافظة ضباء بتكلفة تجاوزت مئتي مليون ريال "
             "وتشمل شبكات جديدة ومحطات ضخ وخزانات تخدم أحياء المحافظة الشمالية")
    recs = [Record(id="a", title="أمطار غزيرة وسيول في جدة", text=FLOOD_A, published=T0),
            Record(id="b", title="أمطار غزيرة في تبوك", text=other, published=T0),
            Record(id="t", title="أمطار غزيرة وسيول في جدة اليوم", text="", kind="teaser", page="p")]
    rf, links = _links(recs, RelatedConfig(teaser_min_score=0.5))
    assert links["t"][0] == "a" and rf.teaser_reasons_ == {}


def test_story_pairs_checked_in_one_batch_give_the_stories_of_one_by_one(monkeypatch):
    # story merging checks every pair of the small components up front, once;
    # the stories must be those of asking pair by pair during merges
    import dedup.related as related_module
    # overlapping windows of a word list: with one neighbour each, chains
    # whose merges must check pairs that are not related pairs themselves
    vocab = [f"كلمة{j}" for j in range(400)]
    records = [Record(id=f"w{i}", text=" ".join(vocab[i * 4 : i * 4 + 40]), source=f"s{i % 3}",
                      published=T0 + timedelta(hours=i)) for i in range(30)]
    calls = []
    real = related_module.row_dots
    monkeypatch.setattr(related_module, "row_dots", lambda x, a, b: calls.append(len(a)) or real(x, a, b))
    fitted = Deduplicator().fit(records)
    batched = RelatedFinder(RelatedConfig(k=1, min_cosine=0.05)).fit(fitted)
    batched_calls = len(calls)
    calls.clear()
    monkeypatch.setattr(related_module, "BATCH_COMPONENT", 0)
    single = RelatedFinder(RelatedConfig(k=1, min_cosine=0.05)).fit(fitted)
    assert max(len(s) for s in batched.stories_) > 2
    assert batched.stories_ == single.stories_
    assert batched_calls < len(calls)


@pytest.mark.parametrize("block", [1, 40])
def test_teaser_similarities_in_blocks_equal_one_product(monkeypatch, block):
    # headlines are scored against the articles a block of headlines per
    # product; any block size gives the report of one product for all
    import json

    import dedup.related as related_module

    def report():
        res = CliRunner().invoke(main, ["report", str(SEEDS), "--format", "json", "-q"])
        assert res.exit_code == 0, res.output
        return json.loads(res.output)

    whole = report()
    calls = []
    real = related_module.RelatedFinder._teasers
    monkeypatch.setattr(related_module, "SIMILARITY_BLOCK", block)
    monkeypatch.setattr(related_module.RelatedFinder, "_teasers",
                        lambda self, d: calls.append(1) or real(self, d))
    parts = report()
    assert calls and parts == whole
    assert sum(t["article"] is None for t in whole["teaser_links"]) >= 5  # the fuzzy path runs


def test_related_stage_shows_a_stage_bar_only_when_the_engine_does(capsys):
    quiet = RelatedFinder().fit(Deduplicator().fit(_recs()))
    assert "related" not in capsys.readouterr().err
    shown = RelatedFinder().fit(Deduplicator(progress=True).fit(_recs()))
    assert "related" in capsys.readouterr().err
    assert shown.pairs_.tolist() == quiet.pairs_.tolist() and shown.stories_ == quiet.stories_
    assert shown.teaser_links_ == quiet.teaser_links_
