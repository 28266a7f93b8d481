"""Tests for dedup.segment: splitting scraped pages into main / embedded / teaser records."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedup.segment as segment_mod
from dedup.record import KINDS, Record
from dedup.segment import SegmentConfig, segment_page

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
if not SEEDS.is_dir():
    SEEDS = Path("/work/shared/seeds")
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pages"

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds (the five real pages) not available")

UTC = timezone.utc

# Boilerplate that must never reach any record's text.
FORBIDDEN = (
    "pic.twitter.com",
    "t.co/",
    "NEXTA",
    "NBC News",
    "@",
    "المصدر:",
    "كلمات دلالية",
    "الوسوم",
    "اعلان",
    "Copyright",
    "©",
    "Go to accessibility",
    "LoaderSearch",
    "يعرض الآن",
    "إقرأ أيضاً",
    "اقرأ أيضاً",
    "مقالات مشابهة",
    "تاريخ النشر",
    "أخبار ذات صلة",
    "مجلس التحرير",
    "الموقع قدم أوراق اعتماده",
    "نقابة الصحفيين العراقيين",
    "Related",
    "الوطن| رصد",
    "(الاتحاد، وكالات)",
    "2024AP",
    "2024,AP",
    "Lavrov",
    "الاكثر قراءة",
    "Cookie",
)


def seed(prefix: str) -> tuple[str, str]:
    (path,) = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8"), path.name


def split(text: str, page_id: str = "p", **kw) -> list[Record]:
    return segment_page(text, page_id, **kw)


def fixture(name: str) -> str:
    # newline="" keeps CRLF pages as they are on disk
    with open(FIXTURES / name, encoding="utf-8", newline="") as fh:
        return fh.read()


def kinds(recs: list[Record]) -> list[str]:
    return [r.kind for r in recs]


def assert_clean(recs: list[Record]) -> None:
    for r in recs:
        for bad in FORBIDDEN:
            assert bad not in r.text, f"{r.id}: boilerplate {bad!r} in text"
            if r.title:
                assert bad not in r.title, f"{r.id}: boilerplate {bad!r} in title"
        for line in r.text.split("\n") if r.text else ():
            assert line.strip() == line and line, f"{r.id}: blank or unstripped paragraph {line!r}"
            assert line not in ("نشر", "الأمصار", "اعلان"), f"{r.id}: header line {line!r} in text"


# --------------------------------------------------------------------------- seeds

# prefix: [(kind, title, body start, body end)] for main and embedded records, and teaser count
SEED_EXPECTED = {
    "000": dict(
        articles=[
            ("main", None, "أكدت موسكو وبكين دعمهما لسيادة ليبيا", "هي الأولى له منذ إعادة انتخابه رئيسا."),
            (
                "embedded",
                "كوريا الشمالية تدعم روسيا عسكرياً في حربها ضد أوكرانيا.. بوتين يشكرها",
                "أكدت كوريا الشمالية، للمرة الأولى",
                "بشأن الصراع في أوكرانيا.",
            ),
        ],
        teasers=10,
        first_teaser="كوريا الشمالية تدعم روسيا عسكرياً في حربها ضد أوكرانيا.. بوتين يشكرها",
        last_teaser="لافروف: روسيا تدرس مقترحات جدية بشأن التسوية في أوكرانيا",
        source="صحيفة الوطن الليبية",
        published_raw=None,
        tags_include=("ليبيا", "بوتين"),
    ),
    "001": dict(
        articles=[
            (
                "main",
                "لافروف يشكر كوريا الشمالية على دعمها روسيا ضد أوكرانيا",
                "قالت وزارة الخارجية الروسية إن وزير الخارجية سيرغي لافروف",
                "لا تستند إلى أي دليل.",
            ),
            (
                "embedded",
                "المجلس الأوروبي: عقوبات جديدة ضد روسيا إذا لم توقف العدوان على أوكرانيا",
                "عرضت قناة القاهرة الإخبارية خبرا عاجلا",
                "ويعقّد جهود التهدئة الدولية.",
            ),
        ],
        teasers=0,
        source="موقع 24",
        published_raw="19th, October 2023 GMT",
        published=datetime(2023, 10, 19, tzinfo=UTC),
        tags_include=("لافروف", "بیونغ"),
    ),
    "002": dict(
        articles=[
            (
                "main",
                None,
                "أكدت وزيرة الخارجية الكورية الشمالية، شو سون هوي",
                "خلال زيارة سابقة إلى بيونغيانغ.",
            ),
            (
                "embedded",
                "نجل حفتر في موسكو بحث ملفات عسكرية وأمنية مع نائب وزير الدفاع الروسي",
                "أجرى خالد حفتر٬ نجل اللواء الليبي المتقاعد",
                "دون أن يواجه عقوبات مباشرة من الولايات المتحدة.",
            ),
        ],
        teasers=10,
        first_teaser="نجل حفتر في موسكو بحث ملفات عسكرية وأمنية مع نائب وزير الدفاع الروسي",
        last_teaser="في اتصالات مع نيودلهي وإسلام آباد.. الإمارات تؤكد التزامها بالسلام ورفض العنف",
        source="euronews",
        published_raw=None,
        tags_include=("لافروف",),
    ),
    "003": dict(
        articles=[
            (
                "main",
                "بوتين: الاتفاقيات بين روسيا وكوريا الشمالية ستسهم في الاستقرار الإقليمي",
                "أعرب الرئيس الروسي فلاديمير بوتين",
                "ستتطور إلى مستوى جديد في المستقبل.",
            ),
            (
                "embedded",
                "بوتين: روسيا ستحقق أهدافها بالقوة",
                "قال الرئيس الروسي فلاديمير بوتين، أمس",
                "بما حققته روسيا من مكاسب في أوكرانيا.",
            ),
        ],
        teasers=3,
        first_teaser="البرلمان العراقي يحدد السبت المقبل موعدا لعقد جلسة استثنائية حول فلسطين",
        last_teaser="الأمم المتحدة تُخصص 9 ملايين دولار لتمويل الجهود الإنسانية في فلسطين",
        source="الأسبوع",
        published_raw="12th, October 2023 GMT",
        published=datetime(2023, 10, 12, tzinfo=UTC),
        tags_include=("كوريا", "موسكو"),
    ),
    "004": dict(
        articles=[
            (
                "main",
                "بوتين وكيم في قمة ببكين.. تقدير روسي لمشاركة كوريا الشمالية",
                "عقد الرئيس الروسي فلاديمير بوتين والزعيم الكوري الشمالي",
                "بين موسكو وبيونج يانج.",
            ),
            (
                "embedded",
                "روسيا والصين تتحدان بفضل علاقات «بوتين وشي» لمواجهة أمريكا",
                "تشهد العلاقات بين «روسيا والصين»",
                "يتحدى بالفعل الولايات المتحدة",
            ),
        ],
        teasers=0,
        source=None,
        published_raw=None,
        tags_include=(),
    ),
}


@needs_seeds
@pytest.mark.parametrize("prefix", sorted(SEED_EXPECTED))
def test_seed_page_splits_into_its_articles(prefix):
    text, name = seed(prefix)
    exp = SEED_EXPECTED[prefix]
    recs = segment_page(text, prefix, origin=name)

    articles = [r for r in recs if r.kind != "teaser"]
    assert [(r.kind, r.title) for r in articles] == [(k, t) for k, t, _, _ in exp["articles"]]
    for r, (_, _, start, end) in zip(articles, exp["articles"]):
        assert r.text.startswith(start), r.text[:80]
        assert r.text.endswith(end), r.text[-80:]

    teasers = [r for r in recs if r.kind == "teaser"]
    assert len(teasers) == exp["teasers"]
    assert all(t.text == "" and t.title for t in teasers)
    if teasers:
        assert teasers[0].title == exp["first_teaser"]
        assert teasers[-1].title == exp["last_teaser"]

    assert recs[0].kind == "main"
    assert [r.id for r in recs] == [f"{prefix}#{i}" for i in range(len(recs))]
    for r in recs:
        assert r.page == prefix
        assert r.source == exp["source"]
        assert r.published_raw == exp["published_raw"]
        assert r.published == exp.get("published")
        assert r.origin.startswith(name + ":")
        for tag in exp["tags_include"]:
            assert tag in r.tags
    assert_clean(recs)


@needs_seeds
def test_seed_order_and_origins_follow_the_page():
    text, name = seed("003")
    recs = segment_page(text, "003", origin=name)
    assert [(r.kind, r.origin) for r in recs] == [
        ("main", f"{name}:1"),
        ("teaser", f"{name}:10"),
        ("teaser", f"{name}:11"),
        ("teaser", f"{name}:12"),
        ("embedded", f"{name}:16"),
    ]
    text, name = seed("004")
    assert [r.origin for r in segment_page(text, "004", origin=name)] == [f"{name}:5", f"{name}:22"]
    text, name = seed("000")
    recs = segment_page(text, "000", origin=name)
    assert recs[0].origin == f"{name}:3"  # no title: the first body line
    assert segment_page(text, "000")[0].origin is None


@needs_seeds
def test_seed_001_keeps_the_sentence_glued_after_a_tweet_signature():
    text, _ = seed("001")
    main = segment_page(text, "001")[0]
    assert "\nوخلال اجتماع مع نظيرته الكورية الشمالية تشوي سون هوي، قال لافروف" in main.text
    assert "Sergey Lavrov" not in main.text and "Russian Foreign Minister" not in main.text
    assert main.text.count("\n") == 7  # eight paragraphs: the English tweet lines are gone


@needs_seeds
def test_seed_002_drops_captions_chrome_and_keeps_subheadings():
    text, _ = seed("002")
    recs = segment_page(text, "002")
    main, embedded = recs[0], recs[1]
    assert "في الوسط إلى اليسار" not in main.text  # photo caption ending in ",AP"
    assert "زيلينسكي يتهم كوريا الشمالية" not in main.text  # the glued "Related" run
    assert "عاملات منزليات" not in main.text  # most-read chrome
    assert main.text.endswith("كيم جونغ أون خلال زيارة سابقة إلى بيونغيانغ.")
    # a three-word subheading inside the embedded article is not a new article
    assert 'قاعدة "معطن السارة"' in embedded.text.split("\n")


@needs_seeds
def test_seed_003_related_marker_glued_to_body_keeps_the_body():
    text, _ = seed("003")
    embedded = [r for r in segment_page(text, "003") if r.kind == "embedded"][0]
    assert embedded.text.startswith("قال الرئيس الروسي فلاديمير بوتين، أمس، إن الخطوط العريضة")
    assert "موسكو، كييف" not in embedded.text  # dateline


@needs_seeds
def test_seed_tags_come_from_the_tag_lines():
    text, _ = seed("000")
    tags = segment_page(text, "000")[0].tags
    assert tags[:3] == ("جين", "بينغ", "سيادة")
    assert len(tags) == len(set(tags))  # الوسوم and كلمات دلالية repeat each other


# --------------------------------------------------------------------------- written pages


def test_read_also_variants_inline_link_and_article_after_footer():
    """`اقرأ أيضا:` glued after a sentence is an inline link; `اقرا ايضا` (no hamza,
    no colon) alone after the tag line announces a whole article."""
    recs = split(fixture("read_also_variants.txt"), origin="f.txt")
    assert kinds(recs) == ["main", "teaser", "embedded"]
    main, link, art = recs
    assert main.title == "وزير الخارجية المصري يبحث مع نظيره الأردني تطورات الأوضاع الإقليمية"
    assert main.origin == "f.txt:3"  # the breadcrumb line 1 is a header
    assert main.text.split("\n")[1].endswith("وضرورة دعم جهود التهدئة.")
    assert main.text.endswith("لاستكمال المشاورات.")
    assert link.title == "الأمم المتحدة تحذر من تفاقم الأزمة الإنسانية في المنطقة"
    assert art.title == "البنك المركزي يثبت أسعار الفائدة للمرة الثالثة على التوالي"
    assert art.text.startswith("قرر البنك المركزي") and art.text.endswith("متابعة البيانات.")
    assert main.tags == ("مصر", "الأردن", "وزير الخارجية")  # explicit separators keep phrases
    assert main.published_raw == "3 مارس 2024"
    assert_clean(recs)


def test_read_also_headline_list_is_teasers_and_the_body_goes_on():
    recs = split(fixture("read_also_list.txt"))
    assert kinds(recs) == ["main", "teaser", "teaser", "teaser"]
    assert [r.title for r in recs[1:]] == [
        "الذهب يتراجع مع صعود الدولار إلى أعلى مستوى في شهر",
        "أوبك تبقي توقعاتها للطلب العالمي على النفط دون تغيير",
        "البورصة المصرية تغلق على ارتفاع جماعي لمؤشراتها",
    ]
    assert recs[0].text.endswith("قرار مجلس الاحتياطي الفيدرالي الأسبوع المقبل.")  # numbered list, then body
    assert recs[0].source == "وكالات"  # "المصدر :" with a space before the colon


def test_related_lists_with_and_without_bullets_and_most_read_chrome():
    recs = split(fixture("related_lists.txt"))
    assert kinds(recs) == ["main"] + ["teaser"] * 5
    assert [r.title for r in recs[1:]] == [
        "انطلاق مهرجان المسرح العربي بمشاركة واسعة",  # "- " bullets under مقالات ذات صلة
        "وزارة الثقافة تعلن أسماء الفائزين بجوائز الدولة التقديرية",
        "تراجع مبيعات الكتب الورقية في العالم العربي",
        "الفائز بجائزة الرواية العربية يتحدث عن عمله الجديد",  # no bullets under قد يهمك أيضاً
        "مكتبة الإسكندرية تطلق مبادرة لرقمنة المخطوطات النادرة",
    ]
    # الأكثر قراءة is site-wide chrome: its list yields no teasers
    assert all("الأرصاد" not in (r.title or "") for r in recs)
    assert_clean(recs)


def test_unmarked_second_article_and_subheading():
    recs = split(fixture("unmarked_second_article.txt"))
    assert kinds(recs) == ["main", "embedded"]
    main, second = recs
    assert main.title == "الحكومة تقر خطة لتطوير شبكة الطرق في المحافظات الجنوبية"
    assert "خطة التمويل" in main.text.split("\n")  # two-word subheading stays in the article
    assert "كتب: أحمد سالم" not in main.text and "شبكة الخبر الآن" not in main.text
    assert main.text.endswith("عربية ودولية.")
    assert second.title == "جامعة العاصمة تعلن فتح باب القبول لبرامج الدراسات العليا الجديدة"
    assert second.text.startswith("أعلنت جامعة العاصمة") and second.text.endswith("للجامعة.")
    assert_clean(recs)


def test_crlf_page():
    text = fixture("crlf.txt")
    assert "\r\n" in text
    recs = split(text, origin="crlf.txt")
    assert kinds(recs) == ["main"]
    (main,) = recs
    assert main.title == "مدينة الرياض تستضيف مؤتمراً دولياً للطاقة المتجددة"
    assert "\r" not in main.text and "\r" not in main.title
    assert main.text.count("\n") == 1
    assert (main.source, main.published_raw) == ("واس", "5th, May 2024 GMT")
    assert main.published == datetime(2024, 5, 5, tzinfo=UTC)
    assert main.tags == ("الطاقة", "الرياض", "مؤتمر")
    assert main.origin == "crlf.txt:1"


def test_page_with_only_a_body_has_no_title():
    recs = split(fixture("body_only.txt"))
    assert kinds(recs) == ["main"]
    assert recs[0].title is None
    assert recs[0].text.startswith("قالت هيئة الأرصاد الجوية") and recs[0].text.count("\n") == 2


@pytest.mark.parametrize("name", ["empty.txt", "boilerplate_only.txt"])
def test_empty_or_boilerplate_only_page_yields_no_records(name):
    assert split(fixture(name)) == []


@pytest.mark.parametrize("text", ["", "\n\n", "   \r\n\t", "اعلان", "المصدر: وكالات\nكلمات دلالية: أ ب"])
def test_nothing_to_keep_yields_nothing(text):
    assert split(text) == []


def test_chrome_glued_to_text_tweets_captions_and_datelines():
    recs = split(fixture("chrome_glued.txt"))
    assert kinds(recs) == ["main", "teaser"]
    main, teaser = recs
    assert main.title == "وفد أممي يزور المخيمات الحدودية لتقييم الاحتياجات"
    assert main.text.split("\n") == [
        "زار وفد من الأمم المتحدة اليوم المخيمات الحدودية في الشمال للاطلاع على أوضاع النازحين وتقييم احتياجاتهم من الغذاء والدواء.",
        "وأكد رئيس الوفد أن المنظمة ستعمل على زيادة المساعدات قبل حلول فصل الشتاء.",
        "وقال مسؤول محلي إن عدد النازحين تضاعف خلال الأشهر الماضية.",
        "وشدد الوفد على ضرورة فتح المعابر أمام قوافل الإغاثة دون قيود.",
    ]
    # a related marker glued to a headline: one teaser
    assert teaser.title == "منظمة الصحة العالمية تحذر من انتشار الأوبئة في المخيمات"
    assert main.source == "وكالات"
    assert_clean(recs)


P1 = "قال المتحدث الرسمي إن الوزارة أطلقت برنامجاً جديداً لدعم المشروعات الصغيرة في المحافظات."
P2 = "وأشار إلى أن البرنامج يستهدف عشرة آلاف شاب خلال العامين المقبلين بتمويل حكومي مباشر."
P3 = "أعلنت الشركة الوطنية للكهرباء عن خطة لتوسيع شبكة النقل في المناطق الريفية خلال العام المقبل."
P4 = "وقالت الشركة إن المرحلة الأولى تشمل مئتي قرية وتنتهي قبل نهاية العام."
T1 = "الوزارة تطلق برنامجاً لدعم المشروعات الصغيرة"
T2 = "الكهرباء تعلن خطة لتوسيع الشبكة الريفية"


@pytest.mark.parametrize(
    "marker",
    ["إقرأ أيضاً:", "اقرأ أيضاً", "اقرأ أيضًا", "اقرا ايضا", "إقرأ ايضا :", "اقرأ كذلك", "طالع أيضا", "شاهد أيضاً", "اقرأ المزيد"],
)
def test_read_also_spellings_announce_an_embedded_article(marker):
    page = "\n".join([T1, P1, P2, "المصدر: الوطن", marker, T2, P3, P4])
    recs = split(page)
    assert [(r.kind, r.title) for r in recs] == [("main", T1), ("embedded", T2)]
    assert recs[1].text == P3 + "\n" + P4
    assert recs[0].text == P1 + "\n" + P2


@pytest.mark.parametrize("glue", ["", ": ", ":", " - "])
def test_read_also_glued_to_a_headline_list(glue):
    page = "\n".join([T1, P1, P2, f"اقرأ أيضاً{glue}{T2}", "الذهب يتراجع مع صعود الدولار", "المصدر: الوطن"])
    recs = split(page)
    assert [(r.kind, r.title) for r in recs] == [
        ("main", T1),
        ("teaser", T2),
        ("teaser", "الذهب يتراجع مع صعود الدولار"),
    ]


def test_read_also_mid_article_link_then_the_article_goes_on():
    # marker alone, one headline, then a paragraph opening with a connective
    page = "\n".join([T1, P1, "اقرأ أيضاً:", T2, P2])
    recs = split(page)
    assert [(r.kind, r.title) for r in recs] == [("main", T1), ("teaser", T2)]
    assert recs[0].text == P1 + "\n" + P2


def test_read_also_glued_headline_followed_by_a_new_story():
    page = "\n".join([T1, P1, P2, f"إقرأ أيضاً:{T2}", P3, P4])
    recs = split(page)
    assert [(r.kind, r.title) for r in recs] == [("main", T1), ("embedded", T2)]
    assert recs[1].text == P3 + "\n" + P4


@pytest.mark.parametrize(
    "marker", ["مقالات ذات صلة", "مقالات مشابهة:", "أخبار ذات صلة", "أخبار متعلقة", "موضوعات ذات صلة", "قد يهمك أيضاً", "قد يعجبك أيضا"]
)
@pytest.mark.parametrize("bullet", ["  • ", "- ", "* ", "– ", "· ", "1. ", ""])
def test_related_list_families_and_bullets(marker, bullet):
    items = ["ارتفاع أسعار الذهب في الأسواق المحلية", "المنتخب الوطني يفوز في مباراة ودية", "افتتاح أكبر محطة للطاقة الشمسية"]
    page = "\n".join([T1, P1, P2, marker, *[bullet + t for t in items]])
    recs = split(page)
    assert [(r.kind, r.title) for r in recs] == [("main", T1)] + [("teaser", t) for t in items]
    assert all(r.text == "" for r in recs[1:])


@pytest.mark.parametrize("marker", ["الأكثر قراءة", "الاكثر مشاهدة", "اخترنا لك", "آخر الأخبار"])
def test_site_wide_lists_are_chrome(marker):
    page = "\n".join([T1, P1, P2, marker, "• ارتفاع أسعار الذهب في الأسواق", "• المنتخب الوطني يفوز في مباراة ودية"])
    recs = split(page)
    assert [(r.kind, r.title) for r in recs] == [("main", T1)]
    assert recs[0].text == P1 + "\n" + P2


def test_related_list_then_an_article_after_the_footer():
    page = "\n".join(
        [P1, P2, "المصدر: وكالات", "مقالات ذات صلة", "ارتفاع أسعار الذهب في الأسواق", "المنتخب يفوز في مباراة ودية", T2, P3, P4]
    )
    recs = split(page)
    assert kinds(recs) == ["main", "teaser", "teaser", "embedded"]
    assert recs[3].title == T2 and recs[3].text == P3 + "\n" + P4


def test_tags_alone_then_one_tag_a_line():
    page = "\n".join([T1, P1, P2, "الوسوم", "روسيا", "كوريا الشمالية", "الحرب في أوكرانيا"])
    (main,) = split(page)
    assert main.text == P1 + "\n" + P2
    assert main.tags == ("روسيا", "كوريا الشمالية", "الحرب في أوكرانيا")  # a line is a tag, not its words


def test_title_and_date_between_marker_and_body():
    page = "\n".join(
        [T1, "تاريخ النشر: 1st, May 2024 GMT", P1, P2, "المصدر: الوطن", "إقرأ أيضاً:", T2, "تاريخ النشر: 2nd, May 2024 GMT", P3]
    )
    recs = split(page)
    assert [(r.kind, r.title) for r in recs] == [("main", T1), ("embedded", T2)]
    assert recs[1].text == P3
    assert {r.published_raw for r in recs} == {"1st, May 2024 GMT"}  # the page's date


def test_page_of_a_title_only():
    (rec,) = split("وزير الصحة يتفقد مستشفى العاصمة الجديد\n")
    assert (rec.kind, rec.title, rec.text) == ("main", "وزير الصحة يتفقد مستشفى العاصمة الجديد", "")


def test_unparseable_date_keeps_the_raw_value(monkeypatch):
    def refuse(value: str, day_first=None):
        raise ValueError(f"cannot parse {value!r}")

    monkeypatch.setattr(segment_mod, "parse_published", refuse)
    (rec,) = split("\n".join([T1, "تاريخ النشر: غدا صباحا", P1]))
    assert rec.published is None and rec.published_raw == "غدا صباحا"


def test_parsed_date_comes_from_parse_published(monkeypatch):
    seen = []

    def fake(value: str, day_first=None) -> datetime:
        seen.append(value)
        return datetime(2001, 2, 3, tzinfo=UTC)

    monkeypatch.setattr(segment_mod, "parse_published", fake)
    recs = split("\n".join([T1, "تاريخ النشر: 19th, October 2023 GMT", P1, "المصدر: الوطن", "إقرأ أيضاً:", T2, P3]))
    assert seen == ["19th, October 2023 GMT"]
    assert all(r.published == datetime(2001, 2, 3, tzinfo=UTC) for r in recs)


def test_text_keeps_the_original_characters():
    body = "وتُعدّ هذه الخطوة تأكيداً جديداً على التقارب بين «موسكو» و“بيونغ يانغ”، في وقت تتصاعد فيه التوترات ٢٠٢٤."
    (rec,) = split(f"{T1}\n\n  {body}  \n")
    assert rec.text == body


def test_segment_config_is_validated_and_used():
    with pytest.raises(ValueError, match="positive integer"):
        SegmentConfig(max_headline_words=0)
    with pytest.raises(ValueError):
        SegmentConfig(min_title_words=30)
    with pytest.raises(ValueError):
        SegmentConfig(chrome_glue=True)
    # with a stricter unmarked-title rule, the second article stays in the first
    recs = split(fixture("unmarked_second_article.txt"), cfg=SegmentConfig(min_unmarked_title_words=15))
    assert kinds(recs) == ["main"]


def test_deterministic():
    text = fixture("read_also_variants.txt")
    assert split(text, origin="x") == split(text, origin="x")


# --------------------------------------------------------------------------- properties

MARKERS = [
    "إقرأ أيضاً:",
    "اقرأ أيضاًالبرلمان يقر الموازنة العامة الجديدة",
    "اقرا ايضا",
    "مقالات مشابهة",
    "مقالات ذات صلة",
    "قد يهمك أيضاً",
    "الأكثر قراءة",
    "أخبار ذات صلةقال الوزير إن الاتفاق سيوقع قريبا في العاصمة.",
    "ذات صلة",
    "المصدر: وكالات",
    "كلمات دلالية: روسيا الصين",
    "الوسومروسيا الصين",
    "الوسوم",
    "تاريخ النشر: 19th, October 2023 GMT",
    "اعلان",
    "— NEXTA (@nexta_tv) October 18, 2023وخلال اجتماع مع الوزير",
    "pic.twitter.com/abc",
    "Copyright © euronews 2024",
    "Go to accessibility shortcutsشارك هذا المقال",
    "موسكو، كييف (الاتحاد، وكالات)",
    "  • عنوان خبر عن الاقتصاد العربي اليوم",
    "- خبر آخر قصير عن الرياضة",
    "1. خبر مرقم عن الطقس",
]
ARABIC = [T1, T2, P1, P2, P3, P4, "", "", "خطة التمويل", "نشر", "الوطن| رصد"]
page_lines = st.lists(
    st.one_of(st.sampled_from(MARKERS), st.sampled_from(ARABIC), st.text(max_size=40)), max_size=40
)
line_end = st.sampled_from(["\n", "\r\n", "\r"])


def check_invariants(recs: list[Record], page_id: str = "p") -> None:
    assert [r.id for r in recs] == [f"{page_id}#{i}" for i in range(len(recs))]
    assert sum(r.kind == "main" for r in recs) <= 1
    if any(r.kind == "main" for r in recs):
        assert recs[0].kind == "main"
    for r in recs:
        assert r.kind in KINDS and r.kind != "article"
        assert r.page == page_id
        assert r.title is None or r.title
        assert r.text or r.title is not None
        if r.kind == "teaser":
            assert r.text == "" and r.title
        assert len({(x.source, x.published_raw, x.tags) for x in recs}) == 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_never_raises_on_arbitrary_text(text):
    recs = segment_page(text, "p", origin="o")
    check_invariants(recs)
    assert recs == segment_page(text, "p", origin="o")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page_lines, line_end)
def test_never_raises_on_mixes_of_markers_and_arabic_lines(lines, end):
    text = end.join(lines)
    recs = segment_page(text, "p", origin="o")
    check_invariants(recs)
    for r in recs:
        assert "NEXTA" not in r.text and "pic.twitter.com" not in r.text and "المصدر:" not in r.text
        assert r.origin is not None and r.origin.startswith("o:")
    assert recs == segment_page(text, "p", origin="o")


@pytest.mark.parametrize(
    "line",
    [
        "فهل تنجح الحكومة في تحقيق أهدافها هذا العام؟",  # a question
        "وفي هذا السياق تبرز ثلاثة تحديات رئيسية أمام الخطة",  # opens with a connective
        "ردود الفعل",  # a short subheading
    ],
)
def test_sentence_shaped_lines_do_not_start_an_unmarked_article(line):
    page = "\n".join([T1, P1, P2, line, P3, P4])
    (main,) = split(page)
    assert main.text.split("\n") == [P1, P2, line, P3, P4]
