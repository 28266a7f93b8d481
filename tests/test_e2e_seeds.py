"""End to end on the five real pages in ../shared/seeds: `dedup report` over pages and chrome-swapped copies.

The seed pages are read from ../shared/seeds (never copied into the repository); copies are built
in tmp_path. Skipped when the seeds are not there.
"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import SEEDS

from dedup.cli import main

pytestmark = pytest.mark.skipif(
    not SEEDS.is_dir() or not list(SEEDS.glob("*.txt")),
    reason=f"the seed pages are not available (looked for {SEEDS}); they live in ../shared/seeds",
)

# Chrome of other sites, appended to a copy of each page.
CHROME = {
    "menu": (
        "الرئيسية أخبار محلية عربي ودولي اقتصاد رياضة فن وثقافة منوعات فيديو\n"
        "من نحن اتصل بنا سياسة الخصوصية شروط الاستخدام أعلن معنا\n"
        "جميع الحقوق محفوظة © 2024 النهار العربي"
    ),
    "most-read": (
        "الأكثر قراءة\n"
        "ارتفاع أسعار الذهب في الأسواق المحلية مع بداية تعاملات الأسبوع\n"
        "الأرصاد تحذر من أمطار رعدية على المرتفعات الغربية حتى نهاية الأسبوع\n"
        "منتخب الشباب يتأهل إلى نهائي البطولة العربية بعد فوز مثير بركلات الترجيح\n"
        "وزارة التعليم تعلن مواعيد اختبارات الفصل الدراسي الثاني في جميع المدارس\n"
        "الرئيسية أخبار محلية عربي ودولي اقتصاد رياضة فن وثقافة منوعات فيديو\n"
        "جميع الحقوق محفوظة © 2024 النهار العربي"
    ),
    "glued": (
        "Go to accessibility shortcutsشارك هذا المقالمحادثة مواضيع إضافية الأرصاد تحذر من أمطار رعدية على المرتفعات "
        "يعرض الآن Next مباشر. ارتفاع أسعار الذهب في الأسواق المحلية يعرض الآن Next اعلانالاكثر قراءة منتخب الشباب "
        "يتأهل إلى نهائي البطولة العربية\n\n"
        "LoaderSearchابحث مفاتيح اليومالرئيسيةأخبار محليةاقتصادرياضةAbout UsTerms and ConditionsCookie Policy"
        "سياسة الخصوصيةCopyright © alnahar 2024"
    ),
}
HEADER = "النهار العربي| متابعات"


def seed_pages() -> list:
    return sorted(SEEDS.glob("*.txt"))


def story_of(record_id: str) -> tuple[str, str]:
    """(seed prefix, position) of a record id: `003_e8a6…#4` and `copy_003#4` are one story."""
    page, pos = record_id.split("#")
    prefix = page[len("copy_"):] if page.startswith("copy_") else page.split("_")[0]
    return prefix, pos


def report(paths, tmp_path) -> dict:
    out = tmp_path / "report.json"
    res = CliRunner().invoke(main, ["report", *map(str, paths), "--format", "json", "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    return json.loads(out.read_text(encoding="utf-8"))


def cluster_ids(rep: dict) -> list[set[str]]:
    return [{m["id"] for m in c["members"]} for c in rep["clusters"]]


def kinds(rep: dict) -> dict[str, str]:
    return {m["id"]: m.get("kind", "article") for c in rep["clusters"] for m in c["members"]}


def test_seeds_alone_have_no_duplicate_clusters(tmp_path):
    rep = report([SEEDS], tmp_path)
    assert rep["input"]["pages"] == len(seed_pages())
    # every segment read is placed exactly once
    placed = [c["canonical"] for c in rep["clusters"]] + [m["id"] for c in rep["clusters"] for m in c["members"][1:]]
    placed += rep["unique"]
    assert len(placed) == len(set(placed)) == rep["input"]["used"] == rep["summary"]["articles"]
    for c in cluster_ids(rep):
        assert len({story_of(i) for i in c}) == 1, f"different seed stories in one cluster: {sorted(c)}"
    assert rep["clusters"] == [], "five different pages hold no copies of each other"


@pytest.mark.parametrize("chrome", sorted(CHROME))
def test_pages_with_copies_carrying_another_sites_chrome(tmp_path, chrome):
    pages = tmp_path / "pages"
    pages.mkdir()
    for path in seed_pages():
        shutil.copy(path, pages / path.name)
        text = path.read_text(encoding="utf-8")
        copy = f"{HEADER}\n\n{text.rstrip()}\n\n{CHROME[chrome]}\n"
        (pages / f"copy_{path.name.split('_')[0]}.txt").write_text(copy, encoding="utf-8")
    rep = report([pages], tmp_path)
    clusters = cluster_ids(rep)

    # no cluster mixes two different stories
    for c in clusters:
        assert len({story_of(i) for i in c}) == 1, f"different stories in one cluster: {sorted(c)}"

    # every page's main article clusters with its copy's main article, and with nothing else
    relation = {m["id"]: m["relation"] for c in rep["clusters"] for m in c["members"]}
    for path in seed_pages():
        page, prefix = path.stem, path.name.split("_")[0]
        main_id, copy_id = f"{page}#0", f"copy_{prefix}#0"
        (cluster,) = [c for c in clusters if main_id in c] or [set()]
        assert cluster == {main_id, copy_id}, f"{main_id}: expected to cluster with {copy_id} only, got {sorted(cluster)}"
        other = copy_id if relation[main_id] == "canonical" else main_id
        assert relation[other] in ("exact", "dup")

    # so does every embedded article with the same article on the copy
    segments = CliRunner().invoke(main, ["segment", str(pages), "--format", "jsonl", "-q"])
    embedded = [json.loads(x)["id"] for x in segments.stdout.splitlines() if json.loads(x)["kind"] == "embedded"]
    originals = [e for e in embedded if not e.startswith("copy_")]
    assert len(originals) >= 5
    for rid in originals:
        prefix, pos = story_of(rid)
        copy_id = f"copy_{prefix}#{pos}"
        assert copy_id in embedded, f"the copy of {rid} was segmented differently"
        (cluster,) = [c for c in clusters if rid in c] or [set()]
        assert cluster == {rid, copy_id}, f"{rid}: expected to cluster with {copy_id} only, got {sorted(cluster)}"

    # teasers are never in a duplicate cluster
    assert "teaser" not in set(kinds(rep).values())


def test_embedded_article_and_its_own_teaser_are_not_one_cluster(tmp_path):
    res = CliRunner().invoke(main, ["segment", str(SEEDS), "--format", "jsonl", "-q"])
    assert res.exit_code == 0
    recs = [json.loads(x) for x in res.stdout.splitlines()]
    embedded = {r["title"]: r["id"] for r in recs if r["kind"] == "embedded" and r["title"]}
    teaser_pairs = [(embedded[r["title"]], r["id"]) for r in recs if r["kind"] == "teaser" and r["title"] in embedded]
    # 000 and 002 each announce their embedded article in their own "مقالات مشابهة" list
    assert {a.split("_")[0] for a, _ in teaser_pairs} >= {"000", "002"}

    # also with the pages doubled, so that the embedded articles do have copies
    pages = tmp_path / "pages"
    pages.mkdir()
    for path in seed_pages():
        shutil.copy(path, pages / path.name)
        shutil.copy(path, pages / f"copy_{path.name.split('_')[0]}.txt")
    rep = report([pages], tmp_path)
    clusters = cluster_ids(rep)
    for art, teaser in teaser_pairs:
        assert not any(art in c and teaser in c for c in clusters), f"{art} clustered with its teaser {teaser}"
        copy_teaser = f"copy_{teaser.split('_')[0]}#{teaser.split('#')[1]}"
        assert not any(teaser in c or copy_teaser in c for c in clusters)
    assert "teaser" not in set(kinds(rep).values())
