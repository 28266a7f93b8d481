"""Realistic page layouts that differ from the five seeds (dedup.segment).

Each test is one whole page as a scraper would save it from an Arabic news
site whose layout the seeds do not show: other read-also and related-list
spellings, other bullets, footers, date lines, bylines, datelines, captions,
share bars, pages without a title or without a body, one-line bodies, CRLF.
The expectations are what a careful reader of the page would say (see
DOMAIN.md, "Anatomy of a scraped page").
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from dedup.record import Record
from dedup.segment import segment_page

UTC = timezone.utc

# --------------------------------------------------------------------------- helpers

# Boilerplate of the pages below that must never reach a record's text or title.
NOISE = (
    "اقرأ",
    "إقرأ",
    "اقـ",
    "طالع أيضا",
    "شاهد أيضا",
    "ذات صلة",
    "متعلقة",
    "قد يهمك",
    "مقالات مشابهة",
    "جميع الحقوق",
    "©",
    "سياسة الخصوصية",
    "اتصل بنا",
    "من نحن",
    "شروط الاستخدام",
    "نشر في",
    "آخر تحديث",
    "تاريخ النشر",
    "كتب:",
    "بقلم",
    "المصدر:",
    "الوسوم",
    "كلمات دلالية",
    "تابعونا",
    "فيسبوك",
    "واتساب",
    "إعلان",
    "اعلان",
    "صورة أرشيفية",
    "الصورة:",
    "واس",
    "(رويترز)",
    "أخبار محلية",
)


def split(text: str) -> list[Record]:
    return segment_page(text, "p")


def articles(recs: list[Record]) -> list[Record]:
    return [r for r in recs if r.kind != "teaser"]


def teasers(recs: list[Record]) -> list[str | None]:
    return [r.title for r in recs if r.kind == "teaser"]


def assert_clean(recs: list[Record], extra: tuple[str, ...] = ()) -> None:
    for r in recs:
        for bad in NOISE + extra:
            assert bad not in r.text, f"{r.id}: boilerplate {bad!r} in text {r.text!r}"
            assert bad not in (r.title or ""), f"{r.id}: boilerplate {bad!r} in title {r.title!r}"
        for para in r.text.split("\n") if r.text else ():
            assert para and para == para.strip(), f"{r.id}: blank or unstripped paragraph {para!r}"


# Paragraphs and headlines (written for these tests in the style of the corpora).
A_TITLE = "وزارة الإسكان تطلق المرحلة الثالثة من برنامج الدعم السكني"
A1 = "أطلقت وزارة الإسكان اليوم المرحلة الثالثة من برنامج الدعم السكني، التي تستهدف أكثر من مئة ألف أسرة في مختلف المناطق."
A2 = "وأوضح المتحدث الرسمي للوزارة أن المرحلة الجديدة تتضمن قروضاً ميسرة بلا فوائد ووحدات جاهزة بأسعار مخفضة."
A3 = "وأشار إلى أن التسجيل سيكون إلكترونياً عبر البوابة الموحدة، وأن النتائج ستعلن خلال ستين يوماً من إغلاق باب التقديم."
A4 = "ويأتي البرنامج ضمن خطة حكومية لرفع نسبة تملك المواطنين للمساكن إلى سبعين في المئة بحلول عام 2030."

B_TITLE = "البنك المركزي يرفع أسعار الفائدة ربع نقطة مئوية"
B1 = "رفع البنك المركزي أسعار الفائدة الرئيسية بمقدار ربع نقطة مئوية، في خطوة تهدف إلى كبح التضخم الذي بلغ أعلى مستوياته منذ عقد."
B2 = "وقال محافظ البنك في مؤتمر صحفي إن القرار جاء بعد مراجعة دقيقة للمؤشرات الاقتصادية وتوقعات النمو."
B3 = "وتوقع محللون أن يؤدي القرار إلى تباطؤ الإقراض العقاري خلال الأشهر المقبلة."

C_TITLE = "الأرصاد تحذر من موجة غبار تضرب المناطق الشرقية غداً"
C1 = "حذرت هيئة الأرصاد الجوية من موجة غبار كثيفة تضرب المناطق الشرقية اعتباراً من صباح الغد، مع انخفاض مدى الرؤية الأفقية."
C2 = "ودعت الهيئة السائقين إلى توخي الحذر وتجنب السفر على الطرق السريعة إلا للضرورة."

TEASERS = [
    "ارتفاع أسعار النفط مع تراجع المخزونات الأمريكية",
    "افتتاح معرض الكتاب الدولي بمشاركة 500 دار نشر",
    "المنتخب الوطني يتأهل إلى نهائي كأس العرب",
]

FOOTER = ["جميع الحقوق محفوظة © 2024", "سياسة الخصوصية", "اتصل بنا", "من نحن"]


def page(*lines: str, blank: bool = False) -> str:
    return ("\n\n" if blank else "\n").join(lines)


# --------------------------------------------------------------------------- layouts


def test_full_site_page_header_byline_date_ads_caption_share_tags_footer():
    text = page(
        "الرئيسية | أخبار محلية | اقتصاد",
        A_TITLE,
        "كتب: محمد علي",
        "نشر في: 12/03/2024 - 10:30",
        "آخر تحديث: 12/03/2024 - 14:05",
        A1,
        "(صورة أرشيفية)",
        A2,
        "إعلان",
        A3,
        "الصورة: رويترز",
        A4,
        "شارك",
        "فيسبوك تويتر واتساب",
        "الوسوم: الإسكان، الدعم السكني",
        *FOOTER,
        blank=True,
    )
    recs = split(text)
    assert [r.kind for r in recs] == ["main"]
    (main,) = recs
    assert main.title == A_TITLE
    assert main.text == "\n".join([A1, A2, A3, A4])
    assert main.published_raw == "12/03/2024 - 10:30"
    assert main.tags == ("الإسكان", "الدعم السكني")
    assert_clean(recs)


def test_read_also_two_dots_then_dash_list_mid_article():
    text = page(
        B_TITLE,
        B1,
        "اقرأ ايضا..",
        *["- " + t for t in TEASERS],
        B2,
        B3,
    )
    recs = split(text)
    assert [r.kind for r in recs] == ["main", "teaser", "teaser", "teaser"]
    assert teasers(recs) == TEASERS
    assert recs[0].text == "\n".join([B1, B2, B3])
    assert_clean(recs)


def test_taala_aydan_embedded_article_after_source_line():
    text = page(
        A_TITLE,
        A1,
        A2,
        "المصدر: واس",
        "طالع أيضا:",
        B_TITLE,
        B1,
        B2,
        B3,
    )
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", A_TITLE), ("embedded", B_TITLE)]
    assert recs[0].text == A1 + "\n" + A2 and recs[1].text == "\n".join([B1, B2, B3])
    assert recs[0].source == "واس"
    assert_clean(recs)


def test_numbered_related_list_at_page_end_then_footer_menu():
    text = page(
        C_TITLE,
        C1,
        C2,
        "مواضيع ذات صلة",
        *[f"{k}. {t}" for k, t in enumerate(TEASERS, 1)],
        *FOOTER,
        "شروط الاستخدام",
    )
    recs = split(text)
    assert [r.kind for r in recs] == ["main", "teaser", "teaser", "teaser"]
    assert teasers(recs) == TEASERS
    assert recs[0].text == C1 + "\n" + C2
    assert_clean(recs)


def test_unbulleted_related_list_at_page_end_then_footer_menu():
    text = page(C_TITLE, C1, C2, "أخبار ذات صلة", *TEASERS, "سياسة الخصوصية", "اتصل بنا", "جميع الحقوق محفوظة © 2024")
    recs = split(text)
    assert teasers(recs) == TEASERS
    assert [r.kind for r in recs] == ["main", "teaser", "teaser", "teaser"]
    assert_clean(recs)


def test_arabic_indic_numbered_list_under_akhbar_mutaalliqa():
    text = page(B_TITLE, B1, B2, B3, "اخبار متعلقة", *[f"{'١٢٣'[k]}- {t}" for k, t in enumerate(TEASERS)], blank=True)
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", B_TITLE)] + [("teaser", t) for t in TEASERS]
    assert recs[0].text == "\n".join([B1, B2, B3])
    assert_clean(recs)


def test_qad_yuhimmuk_with_en_dash_and_star_bullets():
    text = page(
        A_TITLE,
        A1,
        A2,
        "قد يهمك أيضا",
        "– " + TEASERS[0],
        "* " + TEASERS[1],
        "– " + TEASERS[2],
    )
    recs = split(text)
    assert teasers(recs) == TEASERS
    assert articles(recs)[0].text == A1 + "\n" + A2
    assert_clean(recs)


def test_shahid_aydan_inline_link_then_article_goes_on():
    text = page(A_TITLE, A1, A2, "شاهد أيضاً: " + B_TITLE, A3, A4)
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", A_TITLE), ("teaser", B_TITLE)]
    assert recs[0].text == "\n".join([A1, A2, A3, A4])
    assert_clean(recs)


def test_read_more_then_related_articles_list():
    text = page(
        C_TITLE,
        C1,
        C2,
        "المصدر: الأرصاد",
        "مقالات ذات صلة:",
        *["• " + t for t in TEASERS],
        "اقرأ المزيد",
        *FOOTER,
    )
    recs = split(text)
    assert [r.kind for r in recs] == ["main", "teaser", "teaser", "teaser"]
    assert teasers(recs) == TEASERS
    assert_clean(recs)


def test_bare_weekday_date_line_and_byline_without_colon():
    text = page(
        "بقلم أحمد سعيد",
        B_TITLE,
        "الخميس 14 مارس 2024",
        B1,
        B2,
        B3,
    )
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", B_TITLE)]
    assert recs[0].text == "\n".join([B1, B2, B3])
    assert recs[0].published == datetime(2024, 3, 14, tzinfo=UTC)
    assert_clean(recs)


def test_iso_timestamp_line_is_the_date():
    text = page(C_TITLE, "2024-03-14T10:30:00", C1, C2)
    recs = split(text)
    assert [r.kind for r in recs] == ["main"]
    assert recs[0].title == C_TITLE and recs[0].text == C1 + "\n" + C2
    assert recs[0].published == datetime(2024, 3, 14, 10, 30, tzinfo=UTC)


def test_arabic_indic_labelled_date():
    text = page(C_TITLE, "تاريخ النشر: الخميس ١٤ مارس ٢٠٢٤ - ١٠:٣٠", C1, C2)
    recs = split(text)
    assert [r.kind for r in recs] == ["main"]
    assert recs[0].text == C1 + "\n" + C2
    assert recs[0].published == datetime(2024, 3, 14, 10, 30, tzinfo=UTC)
    assert_clean(recs)


def test_no_title_body_opens_with_reuters_dateline():
    text = page("القاهرة (رويترز) - " + B1, B2, B3, "المصدر: رويترز")
    recs = split(text)
    assert [r.kind for r in recs] == ["main"]
    assert recs[0].title is None
    assert recs[0].text == "\n".join([B1, B2, B3])
    assert recs[0].source == "رويترز"
    assert_clean(recs)


def test_dateline_on_its_own_line_city_dash_agency():
    text = page(A_TITLE, "الرياض - واس", A1, A2, "المصدر: واس", "إقرأ أيضاً:", B_TITLE, "الرياض - واس", B1, B2)
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", A_TITLE), ("embedded", B_TITLE)]
    assert recs[0].text == A1 + "\n" + A2
    assert recs[1].text == B1 + "\n" + B2
    assert_clean(recs)


def test_title_and_teasers_only_no_body():
    text = page(
        "الرئيسية | أخبار",
        C_TITLE,
        "نشر في: 14/03/2024",
        "مقالات ذات صلة",
        *["• " + t for t in TEASERS],
        *FOOTER,
    )
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", C_TITLE)] + [("teaser", t) for t in TEASERS]
    assert recs[0].text == ""
    assert_clean(recs)


def test_body_on_one_long_line_with_glued_source():
    body = " ".join([A1, A2, A3, A4])
    text = page(A_TITLE, body + " المصدر: واس")
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", A_TITLE)]
    assert recs[0].text == body
    assert recs[0].source == "واس"


def test_crlf_blank_lines_tatweel_and_diacritics_in_marker():
    lines = [A_TITLE, "", A1, "", "", A2, "", "المصدر: واس", "", "اقـــرأ أيـضـاً:", "", B_TITLE, "", B1, "", B2, ""]
    recs = split("\r\n".join(lines))
    assert [(r.kind, r.title) for r in recs] == [("main", A_TITLE), ("embedded", B_TITLE)]
    assert recs[0].text == A1 + "\n" + A2
    assert recs[1].text == B1 + "\n" + B2
    assert all("\r" not in r.text for r in recs)
    assert_clean(recs)


def test_social_follow_and_share_bars_between_paragraphs():
    text = page(
        B_TITLE,
        B1,
        "تابعونا على تويتر",
        B2,
        "شارك عبر: فيسبوك | تويتر | واتساب | تيليجرام",
        B3,
        "شارك الخبر",
        "انستغرام يوتيوب تيك توك",
    )
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", B_TITLE)]
    assert recs[0].text == "\n".join([B1, B2, B3])
    assert_clean(recs, extra=("تويتر", "انستغرام"))


def test_two_marked_embedded_articles():
    text = page(
        A_TITLE,
        A1,
        A2,
        "المصدر: واس",
        "اقرأ أيضاً:",
        B_TITLE,
        B1,
        B2,
        "اقرأ أيضاً:",
        C_TITLE,
        C1,
        C2,
    )
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", A_TITLE), ("embedded", B_TITLE), ("embedded", C_TITLE)]
    assert [r.text for r in recs] == [A1 + "\n" + A2, B1 + "\n" + B2, C1 + "\n" + C2]
    assert_clean(recs)


def test_related_header_with_colon_and_headlines_with_question_and_quotes():
    items = ["هل ترتفع أسعار الذهب مجدداً؟", "«الصحة»: لا إصابات جديدة بالفيروس", '"أوبك+" تمدد خفض الإنتاج حتى يونيو']
    text = page(C_TITLE, C1, C2, "مقالات ذات صلة:", *["• " + t for t in items])
    recs = split(text)
    assert teasers(recs) == items
    assert articles(recs)[0].text == C1 + "\n" + C2


def test_byline_after_title_with_dash_and_agency_photo_credit():
    text = page(
        A_TITLE,
        "كتب - محمد علي",
        "الأحد 17 مارس 2024",
        A1,
        "تصوير: أحمد حسن",
        A2,
        "(أرشيفية)",
        A3,
    )
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", A_TITLE)]
    assert recs[0].text == "\n".join([A1, A2, A3])
    assert recs[0].published == datetime(2024, 3, 17, tzinfo=UTC)
    assert_clean(recs, extra=("محمد علي", "أرشيفية", "تصوير"))


def test_real_corpus_paragraphs_with_qad_yuhimmukum_block_and_footer():
    # Paragraphs of a real AlArabiya article (ANT corpus), site chrome around it.
    title = "أميركا: مقتل زعيم طالبان الباكستانية بضربة قرب الحدود"
    paras = [
        "قال مسؤول كبير في وزارة الدفاع الأفغانية لرويترز، الجمعة، إن الملا فضل الله زعيم جماعة طالبان الباكستانية قُتل في ضربة جوية أميركية في أفغانستان قرب الحدود بين البلدين، الخميس.",
        "وأضاف الجيش الأميركي في #واشنطن، الخميس، إنه نفذ ضربة جوية استهدفت قائداً كبيراً للمتطرفين في إقليم كونار.",
        "وصرح مسؤول أميركي بأن هناك اعتقاداً بأن الشخص المستهدف هو الملا فضل الله.",
    ]
    text = page(
        "العربية.نت",
        title,
        "آخر تحديث: Fri, 15 Jun 2018 13:47:04 +0400",
        *paras,
        "قد يهمكم أيضاً",
        *["▪ " + t for t in TEASERS],
        "تابعونا على فيسبوك",
        *FOOTER,
        blank=True,
    )
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", title)] + [("teaser", t) for t in TEASERS]
    assert recs[0].text == "\n".join(paras)
    assert recs[0].published == datetime(2018, 6, 15, 9, 47, 4, tzinfo=UTC)
    assert_clean(recs)


@pytest.mark.parametrize("marker", ["مقالات قد تهمك", "أخبار قد تهمك:", "روابط ذات صلة", "موضوعات قد تعجبك"])
def test_related_headers_with_the_noun_first(marker):
    text = page(B_TITLE, B1, B2, marker, *["• " + t for t in TEASERS], "سياسة الخصوصية | اتصل بنا | من نحن")
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", B_TITLE)] + [("teaser", t) for t in TEASERS]
    assert recs[0].text == B1 + "\n" + B2
    assert_clean(recs)


def test_parenthesized_numbers_and_arrow_glued_read_also():
    text = page(
        A_TITLE,
        A1,
        A2,
        "اقرأ أيضا >> " + B_TITLE,
        A3,
        "أخبار ذات صلة",
        *[f"({k}) {t}" for k, t in enumerate(TEASERS, 1)],
    )
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", A_TITLE), ("teaser", B_TITLE)] + [
        ("teaser", t) for t in TEASERS
    ]
    assert recs[0].text == "\n".join([A1, A2, A3])
    assert_clean(recs)


def test_teaser_dates_are_not_the_page_date():
    text = page(
        C_TITLE,
        C1,
        C2,
        "مقالات مشابهة",
        "• " + TEASERS[0],
        "الأربعاء 13 مارس 2024",
        "• " + TEASERS[1],
        "الثلاثاء 12 مارس 2024",
    )
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", C_TITLE)] + [("teaser", t) for t in TEASERS[:2]]
    assert recs[0].published is None and recs[0].published_raw is None


def test_paragraphs_without_final_stops_then_related_list():
    paras = [p.rstrip(".") for p in (A1, A2, A3)]
    text = page(A_TITLE, *paras, "مقالات ذات صلة", *["- " + t for t in TEASERS], blank=True)
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", A_TITLE)] + [("teaser", t) for t in TEASERS]
    assert recs[0].text == "\n".join(paras)


def test_source_with_dash_and_hashtag_tag_line():
    text = page(B_TITLE, B1, B2, "المصدر - وكالات", "#البنك_المركزي #الفائدة #التضخم")
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", B_TITLE)]
    assert recs[0].text == B1 + "\n" + B2
    assert recs[0].source == "وكالات"
    assert recs[0].tags == ("البنك_المركزي", "الفائدة", "التضخم")


def test_multiword_agency_dateline_is_not_the_title():
    text = page(C_TITLE, "القاهرة - أ ش أ", C1, C2)
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", C_TITLE)]
    assert recs[0].text == C1 + "\n" + C2
    assert_clean(recs, extra=("أ ش أ",))


def test_ad_variants_breadcrumb_with_title_and_dangling_read_also_at_the_end():
    text = page(
        "الرئيسية » اقتصاد » " + B_TITLE,
        B_TITLE,
        "- إعلان -",
        B1,
        "Advertisement",
        B2,
        "مساحة إعلانية",
        B3,
        "اقرأ أيضاً:",
        "جميع الحقوق محفوظة © 2024",
        blank=True,
    )
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", B_TITLE)]
    assert recs[0].text == "\n".join([B1, B2, B3])
    assert_clean(recs, extra=("Advertisement", "إعلانية", "»"))


COMMENTS = ["أبو محمد", "منذ ساعتين", "الله يعين أولياء الأمور على المصاريف، الأسعار مرتفعة هذه السنة والرواتب كما هي.",
            "سارة", "منذ 3 ساعات", "القرار متعب للطلاب والمعلمين، نتمنى إعادة النظر فيه قبل بداية العام الدراسي."]


@pytest.mark.parametrize("heading", ["التعليقات (2)", "تعليقات القراء", "أضف تعليقك", "Comments", "تعليقات ()"])
def test_readers_comments_are_not_the_article(heading):
    text = page(A_TITLE, A1, A2, heading, *COMMENTS, "اترك تعليقاً", "مقالات ذات صلة", *TEASERS, *FOOTER)
    recs = split(text)
    assert [(r.kind, r.title) for r in recs] == [("main", A_TITLE)] + [("teaser", t) for t in TEASERS]
    assert recs[0].text == A1 + "\n" + A2
    assert_clean(recs, extra=("تعليق", "الأسعار مرتفعة", "سارة", "منذ"))


def test_comments_end_at_the_page_metadata():
    text = page(B_TITLE, B1, B2, "تعليقات الزوار", *COMMENTS[:3], "المصدر: وكالات", "الوسوم", "الفائدة", "التضخم")
    (main,) = split(text)
    assert main.text == B1 + "\n" + B2 and main.source == "وكالات" and main.tags == ("الفائدة", "التضخم")


def test_a_sentence_about_comments_is_body():
    line = "التعليقات التي نشرها المسؤول على حسابه أثارت جدلاً واسعاً بين المتابعين في الساعات الماضية."
    (main,) = split(page(C_TITLE, C1, line, C2))
    assert main.text == "\n".join([C1, line, C2])
