"""Split one scraped news page into the articles it holds.

A scraped page (see ``DOMAIN.md``, "Anatomy of a scraped page") carries the
page's own article (``main``), whole articles announced by a read-also marker
or simply following the first one (``embedded``), headline lists of other
articles (``teaser``) and a lot of noise: site headers, date lines, source and
tag lines, ads, photo captions, embedded tweets and site chrome, often glued to
real text without a space or a newline.

The segmenter works in two passes, both built from rules about *shapes*, not
from the strings of particular sites:

1. **Pieces and units.** Each line is cleaned (tweet signatures, hard chrome
   such as ``Copyright ©`` or ``Go to accessibility…`` cut off, glued labels
   such as ``…2023المصدر:`` split off) and every piece becomes one unit:
   ``META`` (source, date, tags: page metadata), ``MARKER`` (read-also,
   related-list, most-read or readers'-comments header, with whatever was
   glued after it as a unit of its own), ``CHROME`` (ads, captions, tweets, English lines, menu
   runs), ``SOFT`` (datelines, bylines, breadcrumbs, one-word lines) or
   ``TEXT``. A ``TEXT`` unit is *headline-shaped* (one short line without
   sentence punctuation) or a *paragraph*. Markers are matched on a folded
   form (:func:`dedup.normalize.normalize` per character, with a map back to
   the original), so ``إقرأ أيضاً:``, ``اقرأ أيضا`` and ``اقرا ايضا`` are one
   marker.
2. **A small state machine** walks the units. Headline-shaped lines before the
   first paragraph are title candidates (the last one wins; one- and
   two-word lines are site headers). After a marker, the run of
   headline-shaped lines is a list of teasers, unless it is a single headline
   followed by paragraphs (an embedded article). An unmarked title line
   (long enough, after a few paragraphs, followed by paragraphs whose first
   does not open with a connective such as ``وأضاف`` or ``من جانبه``) starts
   an embedded article too.

Policies worth knowing:

* A page that yields no article text and no headline (empty, or only
  boilerplate) yields **no records**; ``dedup.io`` reports it as an empty page.
* The page's ``main`` record is emitted only when the page has a title or body
  of its own; positions then count from the first record emitted.
* Site-wide lists (``الأكثر قراءة``, ``اخترنا لك``, ``آخر الأخبار``…) are chrome:
  dropped, no teasers, because they are the same on every page of a site and
  say nothing about this story.
* Read also, one headline, then paragraphs: after the page's source/tag lines
  this is always an embedded article. In the middle of an article it is an
  inline link (a teaser, and the article goes on) when the next paragraph
  opens with a connective (``وأشار``, ``من جانبه``…), or when the headline sat
  on the marker's own line (``اقرأ أيضاً: عنوان``) and fewer than
  ``min_unmarked_paragraphs`` paragraphs follow; otherwise an embedded article.
  Two or more headlines are a list of teasers; its last item becomes the title
  of an article that follows only after the footer, or when it alone has no
  bullet.
* The main title is the last headline-shaped line of three words or more
  before the first paragraph; a page that opens with its body has no title.
* Readers' comments (after ``التعليقات``, ``تعليقات القراء``, ``أضف تعليقك``…
  alone on a line) are not the article: dropped up to the next marker or
  source/tag line, and the article they follow is over.
* Tags split on explicit separators (``،`` ``,`` ``|`` ``#``…); a tag line
  without separators (the common case) is split into words, since the page
  gives no way to tell where one multi-word tag ends, except under a bare
  ``الوسوم`` heading, where each line is one tag.
* ``published`` comes from the first labelled date (``تاريخ النشر``,
  ``نشر في``…), else an update label, else the first bare date line (an
  all-digit line such as ``2024-03-14T10:30:00`` or ``14/03/2024`` counts; a
  bare date inside a headline list is that item's, never the page's). The raw
  value is kept even when :func:`dedup.dates.parse_published` cannot read it
  (it guesses nothing, so ``12/03/2024`` stays unparsed).
* Footer menus and share bars (a line made only of entries such as ``سياسة
  الخصوصية``, ``اتصل بنا``, ``من نحن`` or network names ``فيسبوك تويتر واتساب``)
  are chrome, as are short parenthesized captions that name a picture or an
  agency (``(صورة أرشيفية)``, ``(أ ف ب)``); other parenthesized lines are text.
* A line ``place - agency`` or ``reporter – place`` (two short sides around a
  spaced dash, no digits or punctuation) is a dateline: dropped, never a title.
* A line of two or more ``#hashtags`` is a tag line.
* A breadcrumb (three or more parts split by ``|`` ``›`` ``>`` or ``»``, all but
  the last of at most three words) is a header even when its last part is the
  headline; ``»`` is no separator on a line that opens a quotation with ``«``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, fields

from .dates import parse_published
from .normalize import normalize
from .record import Record

__all__ = ["SegmentConfig", "segment_page"]


@dataclass(frozen=True, slots=True)
class SegmentConfig:
    """Tunables of :func:`segment_page`. Defaults are the tuned values.

    Attributes:
        max_headline_words: A headline-shaped line has at most this many words.
        max_headline_chars: ... and at most this many characters.
        min_title_words: A title line has at least this many words (shorter
            lines before the body are site headers: ``نشر``, ``الأمصار``).
        min_teaser_words: A list item has at least this many words.
        max_teaser_words: A bulleted list item may be this long (unbulleted
            items must be headline-shaped).
        min_unmarked_title_words: An unmarked second article's title line has
            at least this many words (shorter ones are subheadings).
        min_unmarked_paragraphs: Paragraphs needed both before and after an
            unmarked title line.
        chrome_glue: A line with this many Latin-to-Arabic glue points
            (``shortcutsشارك``, ``LoaderSearchابحث``) is a menu run.
        max_meta_words: A source value longer than this is not a source line.

    Example:
        >>> SegmentConfig(min_unmarked_title_words=8).min_title_words
        3
    """

    max_headline_words: int = 20
    max_headline_chars: int = 200
    min_title_words: int = 3
    min_teaser_words: int = 2
    max_teaser_words: int = 30
    min_unmarked_title_words: int = 6
    min_unmarked_paragraphs: int = 2
    chrome_glue: int = 3
    max_meta_words: int = 12

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"SegmentConfig.{f.name} must be a positive integer, got {value!r}")
        if self.min_title_words > self.max_headline_words:
            raise ValueError("SegmentConfig.min_title_words must not exceed max_headline_words")
        if self.min_teaser_words > self.max_teaser_words:
            raise ValueError("SegmentConfig.min_teaser_words must not exceed max_teaser_words")
        if self.min_unmarked_title_words > self.max_headline_words:
            raise ValueError("SegmentConfig.min_unmarked_title_words must not exceed max_headline_words")


DEFAULT_CONFIG = SegmentConfig()

# --------------------------------------------------------------------------- folding

# Lines end at \r\n, \r or \n (not at the other characters str.splitlines knows),
# so line numbers agree with editors and `cat -n`.
_LINE_SPLIT_RE = re.compile(r"\r\n|\r|\n")
# Whitespace and invisible controls (bidi marks, zero-width joiners, BOM, soft hyphen).
_EDGE_RE = re.compile(r"^[\s\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+|[\s\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+$")


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch.isspace():
        return " "
    return normalize(ch)


def _fold(s: str) -> tuple[str, list[int]]:
    """Fold ``s`` for matching; also return, for each folded char, its index in ``s``."""
    out: list[str] = []
    idx: list[int] = []
    for i, ch in enumerate(s):
        f = _fold_char(ch)
        if f:
            out.append(f)
            idx.extend([i] * len(f))
    return "".join(out), idx


def _orig_end(s: str, idx: list[int], end: int) -> int:
    """Index in ``s`` just past folded position ``end`` (and past trailing diacritics)."""
    if end <= 0 or not idx:
        return 0
    e = idx[min(end, len(idx)) - 1] + 1
    while e < len(s) and not _fold_char(s[e]):
        e += 1
    return e


def _folded_words(s: str) -> str:
    """Folded text with every non-word run turned into one space."""
    return re.sub(r"[\W_]+", " ", _fold(s)[0]).strip()


# --------------------------------------------------------------------------- vocabularies
# All patterns below match *folded* text: no diacritics or tatweel, أ/إ/آ→ا,
# ة→ه, ى→ي, Persian letters folded, lower case, Arabic punctuation to ASCII.

_READ = r"(?:(?:اقراء?|طالع|شاهد|تابع)\s*(?:ايضا|كذلك)|اقراء?\s*المزيد|للمزيد\s*(?:اقرا|طالع))"
_RELATED = (
    r"(?:(?:مقالات|اخبار|موضوعات|مواضيع|قصص|تقارير|روابط|مواد)\s*(?:ذات\s*(?:صله|علاقه)|مشابهه|متعلقه|مرتبطه"
    r"|(?:قد|ربما)\s*(?:تهمك|تعجبك)م?)"
    r"|(?:قد|ربما)\s*(?:يهمك|يعجبك|تهمك|تعجبك)م?(?:\s*(?:ايضا|كذلك))?"
    r"|(?:يهمك|يعجبك)م?\s*(?:ايضا|كذلك))"
)
_CHROME_LIST = (
    r"(?:الاكثر\s*(?:قراءه|مشاهده|تداولا|شعبيه|تعليقا|مشاركه|تفاعلا)"
    r"|اخترنا\s*لكم?|(?:اخر|اهم|ابرز)\s*الاخبار|المزيد\s*من\s*الاخبار|الاخبار\s*الرئيسيه|شريط\s*الاخبار)"
)
_MARKER_RE = re.compile(
    rf"^[\W_]*(?:(?P<read>{_READ})|(?P<related>{_RELATED})|(?P<chrome>{_CHROME_LIST})|(?P<bare>ذات\s*صله))"
)

# A readers' comments heading, alone on its line: what follows is not the article.
_COMMENTS_RE = re.compile(
    r"^[\W_]*(?:(?:ال)?تعليقات(?:\s*(?:ال)?(?:قراء|زوار|فيسبوك|فيس\s*بوك))?"
    r"|(?:اضف|اضافه|اكتب|اترك|شارك)\s*(?:تعليق(?:ك|ا|كم)?|بتعليق(?:ك|كم)?|رايك|برايك|ردا)"
    r"|comments?|leave\s*a\s*(?:comment|reply)|add\s*(?:a\s*)?comment)"
    r"\s*(?:[(\[]?\s*\d+\s*[)\]]?)?[\W_]*$"
)
_SOURCE_RE = re.compile(r"^[\W_]*(?:المصدر|مصدر\s*الخبر|source)\s*:\s*")
_SOURCE_NOCOLON_RE = re.compile(r"^المصدر\s+")
_TAGS_RE = re.compile(
    r"^[\W_]*(?:(?:ال)?كلمات\s*(?:ال)?(?:دلاليه|مفتاحيه)|الوسوم|(?:وسوم|tags|هاشتاج|هاشتاغ)\s*:)\s*:?\s*"
)
_DATE_LABEL_RE = re.compile(
    r"^[\W_]*(?:(?P<main>تاريخ\s*النشر|تاريخ\s*الخبر)"
    r"|(?P<pub>نشر\s*(?:في|بتاريخ)|تم\s*النشر|نشر\s*:|published(?:\s*(?:on|at))?|posted(?:\s*on)?)"
    r"|(?P<upd>اخر\s*تحديث|تاريخ\s*التحديث|تم\s*التحديث|updated(?:\s*(?:on|at))?))\s*:?\s*"
)
# Labels and markers that may be glued after other text on one line
# (``…2023المصدر: موقع 24``, ``…البلدين. اقرأ أيضاً: …``).
_GLUED_SPLIT_RE = re.compile(
    rf"المصدر\s*:|(?:ال)?كلمات\s*(?:ال)?دلاليه|الوسوم|تاريخ\s*النشر\s*:|{_READ}|{_RELATED}"
)

# Hard chrome: everything from here to the end of the line is site chrome.
_HARD_CHROME_RE = re.compile(
    r"go to accessibility|skip to (?:main )?content|loadersearch|copyright|©|all rights reserved"
    r"|جميع\s*الحقوق\s*محفوظه|حقوق\s*النشر\s*محفوظه|يعرض\s*الان\s*next|شارك\s*هذا\s*المقال"
    r"|share this article|cookie policy|privacy policy|terms (?:and|&) conditions"
    r"|related(?=\s*[\u0621-\u064a\"])"
)
_TWEET_LINK_RE = re.compile(
    r"pic\.twitter\.com/|https?://t\.co/|(?:twitter|x)\.com/\w+/status|instagram\.com/(?:p|reel)/", re.I
)
# ``— NEXTA (@nexta_tv) October 18, 2023`` and what was glued before it.
_TWEET_SIG_RE = re.compile(
    r"^(?P<pre>.{0,400}?)\(@[A-Za-z0-9_]{1,30}\)\s*"
    r"(?:[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+\S{2,12}\s+\d{4})?"
)
_AGENCY_LATIN = r"(?:AP|AFP|Reuters|REUTERS|EPA(?:-EFE)?|Getty(?:\s*Images)?|AA|Anadolu|Xinhua|KCNA|Sputnik|TASS|SPA|WAM|Shutterstock|Pool)"
_AGENCY_AR = r"(?:رويترز|أ\s?ف\s?ب|ا\s?ف\s?ب|أ\.ف\.ب|فرانس\s*برس|الأناضول|شينخوا|أسوشيتد\s*برس|اسوشيتد\s*برس|د\s?ب\s?أ|إيبا)"
_CAPTION_RE = re.compile(
    rf"(?:[0-9]|[\s,،/|(\-–—]){_AGENCY_LATIN}\)?\s*$|(?:[0-9]|[,،/|(\-–—])\s*{_AGENCY_AR}\)?\s*$"
)
_PHOTO_CREDIT_RE = re.compile(r"^[\W_]*(?:صوره|الصوره|صور|تصوير|photo|credit)\s*[:\-]")
_TRAILING_AD_RE = re.compile(r"(?<=[A-Za-z0-9])[اإ]علان\s*$")
_ADS = frozenset(
    {"اعلان", "اعلانات", "advertisement", "advertising", "ad", "ads", "sponsored",
     "محتوي مدفوع", "محتوي ممول", "اعلان ممول", "مساحه اعلانيه"}
)
_HEADER_LABEL_RE = re.compile(
    r"^[\W_]*(?:(?:مجلس|رئيس|مدير|هيئه|سكرتير)\s*(?:ال)?تحرير"
    r"|(?:بقلم|كتب|كتبت|كتبه|اعداد|تحرير|حرر|تصوير|ترجمه|متابعه|المحرر|author|by|written\s*by|reporting\s*by)\s*[:\-])"
)
# Share / follow / subscribe / app prompts.
_SHARE_RE = re.compile(
    r"^[\W_]*(?:(?:شارك|شاركها|شاركوا|مشاركه)\s*(?:علي|عبر|الخبر|المقال|هذا|:)"
    r"|(?:تابعونا|تابعنا|تابعوا)\b|(?:اشترك|اشتركوا|سجل)\s*(?:في|الان|ب|معنا)"
    r"|(?:حمل|حملوا|نزل|نزلوا)\s*(?:تطبيق|التطبيق)|انضم(?:وا)?\s*(?:الي|لقناتنا|لقناه)"
    r"|share\b|follow us|subscribe)"
)
_BYLINE_RE = re.compile(r"^(?:بقلم|كتب|كتبت)\s")
# A line made only of footer-menu entries or social-network / share-button
# names (``سياسة الخصوصية``, ``اتصل بنا``, ``فيسبوك تويتر واتساب``): the same
# words end every Arabic news site, whatever the site. Matched on
# :func:`_folded_words`.
_MENU_WORD = (
    r"(?:سياسه\s*(?:ال)?خصوصيه|(?:شروط|سياسه)\s*(?:ال)?(?:استخدام|خدمه|نشر)|(?:ال)?شروط\s*و\s*?(?:ال)?احكام"
    r"|اتصل\s*بنا|اتصلوا\s*بنا|تواصل\s*معنا|من\s*نحن|عن\s*(?:ال)?موقع|عن\s*الصحيفه|اعلن\s*(?:معنا|لدينا)"
    r"|خريطه\s*(?:ال)?موقع|فريق\s*(?:ال)?عمل|(?:ال)?نشره\s*(?:ال)?بريديه|الرئيسيه"
    r"|فيس\s*بوك|فيسبوك|تويتر|اكس|واتس\s*اب|واتساب|تيليجرام|تليجرام|تلغرام|تيلغرام|انستغرام|انستجرام|انستقرام"
    r"|يوتيوب|تيك\s*توك|لينكد\s*ان|سناب\s*شات|ماسنجر|بريد\s*(?:ال)?الكتروني|طباعه|نسخ\s*(?:ال)?رابط"
    r"|facebook|twitter|whatsapp|telegram|instagram|youtube|tiktok|linkedin|email|print)"
)
_MENU_LINE_RE = re.compile(rf"^(?:{_MENU_WORD}\s*)+$")
# ``(صورة أرشيفية)``, ``(أرشيفية)``, ``(أ ف ب)``: a short line wholly in
# parentheses is a caption when it says it is a picture or names an agency
# (other parenthesized lines are subtitles or titles: ``(غرق الغرقان أكثر)``).
_PAREN_LINE_RE = re.compile(r"^\s*[(\[][^()\[\]]{1,80}[)\]]\s*$")
_CAPTION_WORD_RE = re.compile(
    r"صور|ارشيف|تعبيري|توضيحي|فوتو|فيديو|photo|file|archive|getty|reuters|afp|\bap\b|\bepa\b"
    r"|رويترز|\bا\W*ف\W*ب\b|فرانس\s*برس|اسوشيتد|الاناضول|شينخوا|\bد\W*ب\W*ا\b|\bواس\b|\bوام\b"
)
# ``الرياض - واس``, ``القاهرة - أ ش أ``: a place, a dash, an agency, alone on a line.
_DASH_DATELINE_RE = re.compile(r"^(?P<pre>[^\W\d_][^\d.:!?؟،,]{0,30}?)\s+[-–—]\s+(?P<post>[^\d.:!?؟،,]{1,20})$")
_BREADCRUMB_SEP_RE = re.compile(r"\s*(?:\||›|»\s(?=\S)|\s>\s)\s*")
_BREADCRUMB_SEP_NO_GUILLEMET_RE = re.compile(r"\s*(?:\||›|\s>\s)\s*")
# ``موسكو، كييف (الاتحاد، وكالات)``: a few words, then a short parenthetical.
_DATELINE_RE = re.compile(r"^(?P<pre>[^()]{1,60}?)\s*\((?P<par>[^()]{1,50})\)\s*[-–—:]?\s*$")
_DATELINE_PREFIX_RE = re.compile(
    r"^(?:[\u0621-\u064a\u0640]+[\s،,]+){0,2}[\u0621-\u064a\u0640]+\s*\([^()]{1,40}\)\s*[-–—:]\s*(?=\S)"
)
_NOT_DATELINE = frozenset({"فيديو", "صور", "بالصور", "شاهد", "video", "photos", "تفاصيل", "انفوجراف", "انفوغراف", "فيديوجراف"})
_BULLET_RE = re.compile(
    r"^\s*(?:[•\-*–—·●▪►◄■□○◦‣⁃✓✔➤➢◀▶»>]+|[0-9٠-٩۰-۹]{1,2}\s*[.)\-–:]|\([0-9٠-٩۰-۹]{1,2}\))\s*"
)
_INTERNAL_BREAK_RE = re.compile(r"(?<![.\s])(?<!\s\S)\.(?!\.)\s+\S|[؛;]\s*\S")
_CLOSERS = "\"'»”’)]}›> \t"
# Openers of a paragraph that continues an article rather than starting one.
_CONNECTOR_RE = re.compile(
    r"^[\W_]*(?:و(?:قال|قالت|اضاف|اضافت|اشار|اشارت|اكد|اكدت|تابع|تابعت|اوضح|اوضحت|ذكر|ذكرت|كان|كانت"
    r"|تاتي|ياتي|بحسب|فق|في|من|لفت|لفتت|نقل|نقلت|شدد|شددت|تجدر|يذكر|بين|اعتبر|اعتبرت|لم|لا|علي|مع|خلال"
    r"|منذ|هو|هي|قد|ذلك|هذا|هذه|تشير|يشير|يعد|تعد|بالتالي|بعد|قبل|اشاد|اعرب|اعربت|يعتبر|تعتبر)\b"
    r"|كما\b|من\s*(?:جانبه|جانبها|جهته|جهتها|ناحيته|ناحيتها)|بدوره|بدورها|في\s*المقابل|الي\s*ذلك"
    r"|اضافه\s*الي|يذكر\b|تجدر|فيما\b|لكن|غير\s*ان|علما|يشار|مشيرا|مضيفا|الجدير\s*بالذكر"
    r"|(?:ياتي|جاء)\s*(?:ذلك|هذا)|في\s*سياق|علي\s*صعيد|في\s*(?:الوقت|السياق)\s*(?:نفسه|ذاته)|بالاضافه)"
)
_DATE_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec gmt utc am pm "
    "monday tuesday wednesday thursday friday saturday sunday "
    "يناير فبراير مارس ابريل مايو يونيو يونيه يوليو يوليه اغسطس سبتمبر اكتوبر نوفمبر ديسمبر "
    "كانون الثاني شباط اذار نيسان ايار حزيران تموز اب ايلول تشرين الاول "
    "الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت "
    "الساعه ساعه ساعات دقيقه دقائق منذ يوم ايام امس اليوم صباحا مساء مساءا ص م هـ ه "
    "بتوقيت غرينتش جرينتش مكه المكرمه القاهره الموافق هجري ميلادي".split()
)
_DATE_TOKEN_RE = re.compile(r"\d{1,4}(?:st|nd|rd|th|م|ه|هـ)?")

# --------------------------------------------------------------------------- units

TEXT, META, MARKER, CHROME, SOFT = "text", "meta", "marker", "chrome", "soft"
_DATE_FIELDS = ("date", "pub", "upd", "bare")


@dataclass(slots=True)
class _Unit:
    kind: str
    line: int
    text: str = ""  # original piece, stripped
    body: str = ""  # without a leading bullet
    bulleted: bool = False
    words: int = 0
    headline: bool = False  # headline-shaped
    family: str = ""  # marker family: read, related, chrome, comments
    inline: bool = False  # a marker with content on its own line
    field: str = ""  # meta: source, tags, date, pub, upd, bare
    value: str = ""

    @property
    def paragraph(self) -> bool:
        return self.kind == TEXT and not self.headline

    @property
    def soft(self) -> bool:
        """Noise that sits between a title and its body: bylines, datelines, dates."""
        return self.kind == SOFT or (self.kind == META and self.field in _DATE_FIELDS)


def _strip(s: str) -> str:
    return _EDGE_RE.sub("", s)


def _word_count(s: str) -> int:
    return sum(1 for tok in s.split() if any(ch.isalnum() for ch in tok))


def _ends_sentence(s: str) -> bool:
    t = s.rstrip(_CLOSERS)
    if not t:
        return False
    if t[-1] == "." and not t.endswith(".."):
        return True
    return t[-1] in ":;؛"


def _shape(body: str, cfg: SegmentConfig) -> tuple[int, bool]:
    """Word count and whether ``body`` is headline-shaped."""
    words = _word_count(body)
    headline = (
        0 < words <= cfg.max_headline_words
        and len(body) <= cfg.max_headline_chars
        and not _ends_sentence(body)
        and not _INTERNAL_BREAK_RE.search(body)
    )
    return words, headline


def _letters(s: str) -> tuple[int, int]:
    arabic = latin = 0
    for ch in s:
        if "\u0621" <= ch <= "\u064a" or "\u0671" <= ch <= "\u06d3" or "\u0750" <= ch <= "\u077f":
            arabic += 1
        elif ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("\u00c0" <= ch <= "\u024f" and ch.isalpha()):
            latin += 1
    return arabic, latin


_LA_GLUE_RE = re.compile(r"[A-Za-z][\u0621-\u064a]")
_AL_GLUE_RE = re.compile(r"[\u0621-\u064a\u0640][A-Z]")
_CAMEL_RE = re.compile(r"[a-z][A-Z]")
_SENT_PUNCT_RE = re.compile(r"[.!?؟،,؛]")


def _is_chrome_line(s: str, cfg: SegmentConfig) -> bool:
    arabic, latin = _letters(s)
    if arabic + latin == 0:
        return True  # digits, emoji, rules, "????"
    if latin > arabic:
        return True  # English tweets and menus
    la = len(_LA_GLUE_RE.findall(s))
    if la >= cfg.chrome_glue or la + len(_AL_GLUE_RE.findall(s)) + len(_CAMEL_RE.findall(s)) >= cfg.chrome_glue + 2:
        return True  # glued menu runs
    if len(s) > 600 and not _SENT_PUNCT_RE.search(s):
        return True  # a long concatenation without a single sentence mark
    if _CAPTION_RE.search(s):
        return True  # photo caption with its agency glued on
    return False


def _is_date_only(folded: str) -> bool:
    # ``2024-03-14T10:30:00Z``: the ISO separators are not words
    toks = re.findall(r"[^\W_]+", re.sub(r"(?<=\d)[tz](?=\d|\b)", " ", folded))
    if not toks or len(toks) > 14:
        return False
    has_digit = False
    for tok in toks:
        if _DATE_TOKEN_RE.fullmatch(tok):
            has_digit = True
        elif tok not in _DATE_WORDS:
            return False
    return has_digit


def _is_numeric_date(folded: str) -> bool:
    """A date line of digits only (ISO ``t``/``z`` allowed): a year and at least one more number."""
    if not _is_date_only(folded):
        return False
    bare = re.sub(r"(?<=\d)[tz](?=\d|\b)", " ", folded)
    if re.search(r"[^\W\d_]", bare):
        return False  # words: the ordinary order (an English date line is chrome, e.g. a tweet's)
    nums = re.findall(r"\d+", bare)
    return len(nums) >= 2 and any(len(n) == 4 for n in nums)


def _pieces(raw: str) -> list[str]:
    """Clean one line and split it where labels or markers are glued on."""
    s = _strip(raw)
    if not s:
        return []
    m = _TWEET_SIG_RE.match(s)
    if m:
        pre = m.group("pre").strip()
        if not pre or pre[0] in "—–-―" or _TWEET_LINK_RE.search(pre) or "http" in pre:
            s = _strip(s[m.end():])
    if not s or _TWEET_LINK_RE.search(s):
        return []
    folded, idx = _fold(s)
    hard = _HARD_CHROME_RE.search(folded)
    if hard:
        s = _strip(s[: idx[hard.start()]]) if hard.start() < len(idx) else s
        if not s:
            return []
        folded, idx = _fold(s)
    s2 = _TRAILING_AD_RE.sub("", s)
    if s2 != s:
        s = _strip(s2)
        if not s:
            return []
        folded, idx = _fold(s)
    cuts: list[int] = []
    for m in _GLUED_SPLIT_RE.finditer(folded):
        a = m.start()
        if a == 0:
            continue
        prev = folded[a - 1]
        if "\u0621" <= prev <= "\u064a":
            continue  # inside a word: والمصدر
        if prev.isdigit() or ("a" <= prev <= "z") or prev in ")\"']».!?…":
            cuts.append(idx[a])
        elif prev == " ":
            before = folded[:a].rstrip()
            if before and before[-1] in ".!?…":
                cuts.append(idx[a])
    if not cuts:
        return [s]
    out = []
    start = 0
    for c in cuts:
        if c > start:
            out.append(_strip(s[start:c]))
            start = c
    out.append(_strip(s[start:]))
    return [p for p in out if p]


def _classify(piece: str, line: int, cfg: SegmentConfig, markers: bool = True) -> list[_Unit]:
    s = _strip(piece)
    if not s:
        return []
    folded, idx = _fold(s)
    words_only = re.sub(r"[\W_]+", " ", folded).strip()
    if not words_only or words_only in _ADS:
        return [_Unit(CHROME, line, s)]

    # page metadata: source, tags, dates
    m = _SOURCE_RE.match(folded)
    if m:
        value = _strip(s[_orig_end(s, idx, m.end()):]).strip(" :-–—")
        if _word_count(value) <= cfg.max_meta_words:
            return [_Unit(META, line, s, field="source", value=value)]
    elif _SOURCE_NOCOLON_RE.match(folded) and _word_count(s) <= 4:
        value = _strip(s[_orig_end(s, idx, len("المصدر")):]).strip(" :-–—")
        return [_Unit(META, line, s, field="source", value=value)]
    toks = s.split()
    if len(toks) >= 2 and all(tok.startswith("#") for tok in toks) and not s.endswith(":"):
        return [_Unit(META, line, s, field="tags", value=s)]  # a line of hashtags
    m = _TAGS_RE.match(folded)
    if m and not _ends_sentence(s):
        value = _strip(s[_orig_end(s, idx, m.end()):]).strip(" :-–—")
        return [_Unit(META, line, s, field="tags", value=value)]
    m = _DATE_LABEL_RE.match(folded)
    if m:
        value = _strip(s[_orig_end(s, idx, m.end()):]).strip(" :-–—")
        ntok = len(re.findall(r"[^\W_]+", value))
        if m.group("main"):
            if ntok <= cfg.max_meta_words:
                return [_Unit(META, line, s, field="date", value=value)]
        elif 0 < ntok <= cfg.max_meta_words and any(ch.isdigit() for ch in value):
            return [_Unit(META, line, s, field="upd" if m.group("upd") else "pub", value=value)]

    if markers and _COMMENTS_RE.match(folded):
        return [_Unit(MARKER, line, s, family="comments")]
    # markers: read also, related list, site-wide list
    m = _MARKER_RE.match(folded) if markers else None
    if m:
        family = "read" if m.group("read") else "related" if m.group("related") or m.group("bare") else "chrome"
        end = _orig_end(s, idx, m.end())
        rest_raw = s[end:]
        rest = _strip(rest_raw.lstrip(" \t:：-–—|>»›.…،,"))
        if not rest:
            return [_Unit(MARKER, line, s, family=family)]
        if not m.group("bare"):
            first = rest_raw[:1]
            glued = bool(first) and (first.isalnum() or first in "\"«“'")
            sep = not glued and bool(rest_raw.strip()) and rest_raw.lstrip()[:1] in ":：-–—|>»›.…"
            rest_units = _classify(rest, line, cfg, markers=False)
            rest_is_para = any(u.paragraph for u in rest_units)
            if glued or sep or not rest_is_para:
                return [_Unit(MARKER, line, s, family=family, inline=True)] + rest_units
        # "اقرأ أيضاً ما قاله…" with a space and a sentence: not a marker

    if _is_numeric_date(folded):  # before the chrome test: ``2024-03-14T10:30:00``, ``14/03/2024``
        return [_Unit(META, line, s, field="bare", value=s)]
    if _is_chrome_line(s, cfg) or _PHOTO_CREDIT_RE.match(folded) and _word_count(s) <= 8:
        return [_Unit(CHROME, line, s)]
    if _MENU_LINE_RE.match(words_only) or (
        _PAREN_LINE_RE.match(s) and _word_count(s) <= 8 and _CAPTION_WORD_RE.search(folded)
    ):
        return [_Unit(CHROME, line, s)]  # footer menu, share bar, caption in parentheses
    if _is_date_only(folded):
        return [_Unit(META, line, s, field="bare", value=s)]

    bullet = _BULLET_RE.match(s)
    body = _strip(s[bullet.end():]) if bullet else s
    if not body:
        return [_Unit(CHROME, line, s)]
    words, headline = _shape(body, cfg)

    if headline and words <= 10 and _SHARE_RE.match(folded):
        return [_Unit(CHROME, line, s)]
    # soft noise: bylines, header labels, breadcrumbs, datelines, one-word lines
    if (_HEADER_LABEL_RE.match(folded) and words <= 12) or (_BYLINE_RE.match(folded) and words <= 4 and headline):
        return [_Unit(SOFT, line, s)]
    # ``»`` closes a quotation when the line opens one with ``«``; then it is no separator
    sep_re = _BREADCRUMB_SEP_NO_GUILLEMET_RE if "«" in body else _BREADCRUMB_SEP_RE
    parts = [p for p in sep_re.split(body) if p.strip()]
    if headline and len(parts) >= 3 and all(_word_count(p) <= 3 for p in parts[:-1]):
        # a breadcrumb; its last part may be the page's own headline
        return [_Unit(SOFT, line, s)]
    dl = _DASH_DATELINE_RE.match(body)
    if dl and not bullet and words <= 5 and _word_count(dl.group("pre")) <= 2 and _word_count(dl.group("post")) <= 3:
        return [_Unit(SOFT, line, s)]
    dl = _DATELINE_RE.match(body)
    if (
        dl
        and words <= 8
        and _word_count(dl.group("pre")) <= 3
        and _word_count(dl.group("par")) <= 4
        and _folded_words(dl.group("par")) not in _NOT_DATELINE
    ):
        return [_Unit(SOFT, line, s)]
    if words <= 1 and headline:
        return [_Unit(SOFT, line, s)]
    return [_Unit(TEXT, line, s, body=body, bulleted=bool(bullet), words=words, headline=headline)]


def _units(text: str, cfg: SegmentConfig) -> list[_Unit]:
    units: list[_Unit] = []
    for lineno, raw in enumerate(_LINE_SPLIT_RE.split(text), 1):
        for piece in _pieces(raw):
            units.extend(_classify(piece, lineno, cfg))
    # A related or site-wide list header followed at once by a paragraph heads
    # an empty widget (``أخبار ذات صلةقال الرئيس…``): drop it, keep the text.
    out: list[_Unit] = []
    for i, u in enumerate(units):
        if u.kind == MARKER and u.family in ("related", "chrome"):
            j = i + 1
            while j < len(units) and units[j].soft:
                j += 1
            if j < len(units) and units[j].paragraph and not units[j].bulleted:
                continue
        out.append(u)
    return out


# --------------------------------------------------------------------------- segments


@dataclass(slots=True)
class _Seg:
    kind: str
    title: str | None = None
    title_line: int | None = None
    paras: list[tuple[int, str]] = field(default_factory=list)
    n_paras: int = 0

    @property
    def empty(self) -> bool:
        return self.title is None and not self.paras

    @property
    def has_text(self) -> bool:
        return bool(self.paras)

    @property
    def first_line(self) -> int | None:
        if self.title_line is not None:
            return self.title_line
        return self.paras[0][0] if self.paras else None

    def text(self) -> str:
        out = []
        for k, (_, para) in enumerate(self.paras):
            if k == 0:
                para = _DATELINE_PREFIX_RE.sub("", para)
            para = _strip(para)
            if para:
                out.append(para)
        return "\n".join(out)


@dataclass(slots=True)
class _PageMeta:
    """What the page says about itself; set on every record of the page."""

    source: str | None = None
    tags: list[str] = field(default_factory=list)
    dates: dict[str, str] = field(default_factory=dict)  # date / upd / bare -> first raw value

    @property
    def published_raw(self) -> str | None:
        return self.dates.get("date") or self.dates.get("upd") or self.dates.get("bare")


class _Splitter:
    """The state machine over a page's units (one instance per page)."""

    def __init__(self, units: list[_Unit], cfg: SegmentConfig) -> None:
        self.u = units
        self.cfg = cfg
        self.main = _Seg("main")
        self.cur = self.main
        self.others: list[_Seg] = []
        self.top: list[_Unit] = []  # title candidates before the main body
        self.in_top = True
        self.closed = False  # the current article's source/tag lines were seen
        self.meta = _PageMeta()

    # -- helpers
    def _skip_soft(self, j: int) -> int:
        while j < len(self.u) and self.u[j].soft:
            j += 1
        return j

    def _next_is_para(self, j: int) -> bool:
        j = self._skip_soft(j)
        return j < len(self.u) and self.u[j].paragraph

    def _list_item(self, v: _Unit) -> bool:
        if v.kind != TEXT or v.words < self.cfg.min_teaser_words:
            return False
        if v.headline:
            return True
        return v.bulleted and v.words <= self.cfg.max_teaser_words and len(v.body) <= 300

    def _collect(self, j: int) -> tuple[list[_Unit], int]:
        """The run of list items from ``j``; one-word and soft lines are skipped."""
        items: list[_Unit] = []
        while j < len(self.u):
            v = self.u[j]
            if v.soft or (v.kind == TEXT and v.headline and v.words < self.cfg.min_teaser_words):
                if v.kind == META and v.field != "bare":
                    self._meta(v)  # a bare date in a list is an item's date, not the page's
                j += 1
                continue
            if not self._list_item(v):
                break
            items.append(v)
            j += 1
        return items, j

    def _finish_top(self) -> None:
        """Pick the main title from the lines seen before the body.

        When a paragraph ended the top region, the last candidate is the title
        (earlier ones are site headers). When none did (a marker, or the end of
        a page whose body lines carry no punctuation), the first candidate long
        enough to be a title is the title and the candidates after it are body.
        """
        if not self.in_top:
            return
        self.in_top = False
        if not self.top or self.main.title is not None:
            return
        if self.main.has_text or len(self.top) == 1:
            t = self.top[-1]
            self.main.title, self.main.title_line = t.body, t.line
            return
        k = next((k for k, t in enumerate(self.top) if t.words >= self.cfg.min_unmarked_title_words), 0)
        t = self.top[k]
        self.main.title, self.main.title_line = t.body, t.line
        for v in self.top[k + 1 :]:
            self._add(v)

    def _start(self, title: _Unit | None) -> None:
        self._finish_top()
        if self.main.empty:
            seg = self.main
        else:
            seg = _Seg("embedded")
            self.others.append(seg)
        if title is not None:
            seg.title, seg.title_line = title.body, title.line
        self.cur = seg
        self.closed = False

    def _teasers(self, items: list[_Unit]) -> None:
        for v in items:
            self.others.append(_Seg("teaser", title=v.body, title_line=v.line))

    def _add(self, v: _Unit) -> None:
        self.cur.paras.append((v.line, v.text))
        if v.paragraph:
            self.cur.n_paras += 1

    def _unmarked_title(self, i: int) -> bool:
        v = self.u[i]
        cfg = self.cfg
        if not v.headline or v.bulleted or v.words < cfg.min_unmarked_title_words:
            return False
        if v.body.rstrip(_CLOSERS).endswith(("؟", "?")) or _CONNECTOR_RE.match(_fold(v.body)[0]):
            return False  # a question or a connective: a sentence of this article, not a title
        if self.cur.n_paras < cfg.min_unmarked_paragraphs:
            return False
        return self._article_follows(i + 1, need=cfg.min_unmarked_paragraphs)

    def _article_follows(self, j: int, *, need: int = 1) -> bool:
        """Whether ``need`` paragraphs from ``j`` open a new article rather than go on.

        They go on when the first opens with a connective (``وأضاف``, ``من
        جانبه``, ``الجدير بالذكر``…): an article's lede does not.
        """
        paras: list[_Unit] = []
        while j < len(self.u) and len(paras) < need:
            w = self.u[j]
            if w.soft or w.kind == CHROME:
                j += 1
                continue
            if not w.paragraph:
                break
            paras.append(w)
            j += 1
        return len(paras) >= need and not _CONNECTOR_RE.match(_fold(paras[0].body)[0])

    def _title_splits(self, items: list[_Unit]) -> bool:
        """Whether the last item of a list is the title of an article that follows."""
        if len(items) >= 2 and not items[-1].bulleted and any(v.bulleted for v in items[:-1]):
            return True
        return (self.closed or self.main.empty) and not items[-1].bulleted

    # -- units
    def _meta(self, v: _Unit) -> None:
        if v.field == "source":
            if self.meta.source is None and v.value:
                self.meta.source = v.value
            if self.cur.has_text:
                self.closed = True
        elif v.field == "tags":
            self.meta.tags.extend(_split_tags(v.value))
            if self.cur.has_text:
                self.closed = True
        else:
            key = "date" if v.field in ("date", "pub") else v.field
            if v.field == "bare" and (self.others or self.cur is not self.main):
                return  # a bare date inside a later article is that article's
            if v.value:
                self.meta.dates.setdefault(key, v.value)

    def _marker(self, i: int) -> int:
        v = self.u[i]
        self._finish_top()
        if v.family == "comments":
            # readers' comments: names, times and their text, up to the next
            # marker or page metadata; the article they follow is over
            j = i + 1
            while j < len(self.u) and not (
                self.u[j].kind == MARKER or self.u[j].kind == META and self.u[j].field in ("source", "tags")
            ):
                j += 1  # (a comment's own time, ``منذ ساعتين``, is no page metadata)
            if self.cur.has_text:
                self.closed = True
            return j
        items, j = self._collect(i + 1)
        next_para = self._next_is_para(j)
        if v.family in ("related", "chrome"):
            if next_para and items and self._title_splits(items):
                if v.family == "related":
                    self._teasers(items[:-1])
                self._start(items[-1])
            elif v.family == "related":
                self._teasers(items)
            return j
        # read also
        if not items:
            if next_para and (self.closed or self.main.empty):
                self._start(None)
            return j
        if not next_para:
            self._teasers(items)
        elif len(items) == 1:
            if self.closed or not self.cur.has_text or self._article_follows(
                j, need=self.cfg.min_unmarked_paragraphs if v.inline else 1
            ):
                self._start(items[0])
            else:
                self._teasers(items)  # an inline link; the article goes on
        elif self.closed or self._title_splits(items):
            self._teasers(items[:-1])
            self._start(items[-1])
        else:
            self._teasers(items)
        return j

    def run(self) -> list[_Seg]:
        i = 0
        n = len(self.u)
        while i < n:
            v = self.u[i]
            if v.kind == META:
                self._meta(v)
                i += 1
                if v.field == "tags" and not v.value:
                    # ``الوسوم`` alone, then one short tag a line
                    while i < n and self.u[i].kind in (TEXT, SOFT) and _is_tag_line(self.u[i].text):
                        self.meta.tags.extend(_split_tags(self.u[i].text, one_per_line=True))
                        i += 1
            elif v.kind in (CHROME, SOFT):
                i += 1
            elif v.kind == MARKER:
                i = self._marker(i)
            elif self.in_top:
                if v.paragraph:
                    self._finish_top()
                    self._add(v)
                elif v.words >= self.cfg.min_title_words and not v.bulleted:
                    self.top.append(v)
                i += 1
            elif self.closed and v.headline:
                if v.bulleted:
                    items, j = self._collect(i)
                    if items:
                        if self._next_is_para(j) and self._title_splits(items):
                            self._teasers(items[:-1])
                            self._start(items[-1])
                        else:
                            self._teasers(items)
                        i = j
                        continue
                elif v.words >= self.cfg.min_title_words and self._next_is_para(i + 1):
                    self._start(v)
                i += 1  # a lone headline after the footer: chrome
            else:
                if self._unmarked_title(i):
                    self._start(v)
                else:
                    self._add(v)
                i += 1
        self._finish_top()
        segs = ([self.main] if not self.main.empty else []) + self.others
        return segs


def _is_tag_line(s: str) -> bool:
    return 0 < _word_count(s) <= 4 and not _ends_sentence(s) and not _INTERNAL_BREAK_RE.search(s)


def _split_tags(value: str, one_per_line: bool = False) -> list[str]:
    """Tags of a tag line: split at separators, else at spaces (``الوسوم: السودان الخرطوم``);
    a line under a bare ``الوسوم`` heading is one tag (``مجلس الأمن``) unless it has separators."""
    parts = [p for p in re.split(r"\s*[،,؛;|#•/\t]\s*|\s{2,}", value) if p.strip()]
    if len(parts) <= 1 and not one_per_line:
        parts = value.split()
    out = []
    for p in parts:
        p = _strip(p).strip("\"'«»“”.:-–—()[]")
        if p and any(ch.isalnum() for ch in p):
            out.append(p)
    return out


def _parse_date(raw: str, day_first: bool | None = None):
    try:
        return parse_published(raw, day_first)
    except (ValueError, OverflowError):
        return None


def segment_page(
    text: str, page_id: str, *, origin: str | None = None, cfg: SegmentConfig | None = None,
    day_first: bool | None = None,
) -> list[Record]:
    """Split one scraped page into its articles, teasers and nothing else.

    Args:
        text: The page as the scraper saved it (any line endings).
        page_id: Identifier of the page; records are ``f"{page_id}#{position}"``.
        origin: Where the page was read from; each record gets
            ``f"{origin}:{line}"`` of its first line (1-based).
        cfg: Tunables; the defaults are the tuned values.
        day_first: How a numeric page date (``12/03/2023``) is read: day
            first, month first (``False``), or not at all (``None``: the raw
            value is kept, ``published`` stays empty).

    Returns:
        Records in page order: ``main`` (the page's own article, when it has a
        title or body), then ``embedded`` articles and ``teaser`` headlines
        (``text`` empty) as they occur. Page-level ``source``, ``published``
        and ``tags`` are set on every record. An empty or boilerplate-only page
        yields ``[]``. Never raises on any string; deterministic.

    Example:
        >>> page = "عنوان الخبر الرئيسي اليوم\\nقال الوزير إن الاجتماع كان مثمراً.\\nالمصدر: وكالات"
        >>> [(r.id, r.kind, r.title, r.source) for r in segment_page(page, "p1")]
        [('p1#0', 'main', 'عنوان الخبر الرئيسي اليوم', 'وكالات')]
    """
    cfg = cfg or DEFAULT_CONFIG
    if not isinstance(text, str):
        raise TypeError(f"segment_page expects the page text as str, got {type(text).__name__}")
    splitter = _Splitter(_units(text, cfg), cfg)
    segs = splitter.run()
    meta = splitter.meta
    published_raw = meta.published_raw
    published = _parse_date(published_raw, day_first) if published_raw else None
    tags = tuple(dict.fromkeys(meta.tags))
    records: list[Record] = []
    for seg in segs:
        body = "" if seg.kind == "teaser" else seg.text()
        if seg.kind != "teaser" and not body and seg.title is None:
            continue
        line = seg.first_line
        records.append(
            Record(
                id=f"{page_id}#{len(records)}",
                text=body,
                title=seg.title,
                source=meta.source,
                published=published,
                published_raw=published_raw,
                kind=seg.kind,
                page=page_id,
                tags=tags,
                origin=f"{origin}:{line}" if origin is not None and line is not None else None,
            )
        )
    return records
