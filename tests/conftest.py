"""Shared fixtures: a pool of Arabic news sentences and a builder of planted synthetic corpora.

Everything is built in the tests (no data copied from ../shared/data). A *story* is a run of
sentences from :data:`SENTENCES`; stories never share a sentence, so two different stories share
no word 3-gram except by accident. A *copy* of a story is what a syndicating site publishes: a new
headline, one sentence dropped or one added, light spelling variants (ی/ي, ى/ي, أ/ا, diacritics),
another source and a time within hours.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Sequence

import pytest

from dedup.record import Record

UTC = timezone.utc
T0 = datetime(2024, 3, 11, 8, 0, tzinfo=UTC)

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
if not SEEDS.is_dir():
    SEEDS = Path("/work/shared/seeds")

# fmt: off
#: Varied Arabic news sentences (weather, economy, health, sport, culture, politics, technology).
SENTENCES: tuple[str, ...] = (
    "أطلق المركز الوطني للأرصاد اليوم منظومة للإنذار المبكر من السيول في محافظة جدة بهدف رصد الأمطار الغزيرة وتنبيه السكان.",
    "وأوضح المتحدث الرسمي باسم المركز أن المنظومة تضم اثنتين وأربعين محطة رصد آلية موزعة على الأودية المحيطة بالمحافظة.",
    "وأضاف أن التنبيهات ستصل إلى الهواتف المحمولة في الأحياء المعرضة للخطر خلال دقائق من رصد ارتفاع منسوب المياه.",
    "وبيّن أن المرحلة الثانية من المشروع ستشمل محافظتي رابغ والليث قبل نهاية العام الجاري بالتنسيق مع الدفاع المدني.",
    "وارتفعت أسعار المياه المعبأة في الأسواق المحلية بنسبة عشرين في المئة مع اشتداد موجة الحر خلال الأسبوع الماضي.",
    "وعزا تجار الجملة الزيادة إلى ارتفاع تكاليف النقل والتبريد ونقص المعروض لدى عدد من المصانع الصغيرة في الشرقية.",
    "ودعت جمعية حماية المستهلك الجهات الرقابية إلى تكثيف الجولات التفتيشية على منافذ البيع ومعاقبة المخالفين فورا.",
    "افتتح وزير الصحة مستشفى جديدا للأطفال في مدينة تبوك بسعة ثلاثمئة سرير ويضم وحدات متقدمة للعناية المركزة.",
    "وقال الوزير إن المستشفى سيخدم أكثر من نصف مليون نسمة في المنطقة الشمالية ويخفف الضغط عن مستشفيات العاصمة.",
    "وأشار مدير الشؤون الصحية إلى توظيف مئة وعشرين طبيبا وأربعمئة ممرضة من خريجي الجامعات الوطنية هذا العام.",
    "فاز المنتخب الوطني لكرة اليد على نظيره الكويتي بفارق أربعة أهداف في افتتاح البطولة الآسيوية المقامة في الدوحة.",
    "وتألق حارس المرمى الشاب الذي تصدى لثلاث رميات جزاء متتالية في الشوط الثاني وسط تشجيع جماهيري كبير.",
    "ويلتقي المنتخب في الجولة المقبلة مع منتخب كوريا الجنوبية حامل اللقب مساء الخميس على الصالة الرئيسية.",
    "أعلنت هيئة الأدب والنشر والترجمة انطلاق معرض الكتاب الدولي في الرياض بمشاركة ألف دار نشر من ثلاثين دولة.",
    "ويتضمن البرنامج الثقافي المصاحب ندوات فكرية وأمسيات شعرية وورش عمل للأطفال في فنون الرسم والكتابة الإبداعية.",
    "واختيرت سلطنة عمان ضيف شرف للدورة الحالية حيث تعرض مخطوطات نادرة وأعمالا لفنانين تشكيليين عمانيين.",
    "وقعت شركة الكهرباء عقدا بقيمة ملياري ريال لإنشاء محطة للطاقة الشمسية قرب مدينة سدير بقدرة ألف وخمسمئة ميغاواط.",
    "ومن المتوقع أن تبدأ المحطة التشغيل التجاري في الربع الأخير من عام ألفين وستة وعشرين وفق الجدول المعتمد.",
    "وذكرت الشركة أن المشروع سيوفر نحو ثلاثة آلاف فرصة عمل مؤقتة خلال مرحلة البناء وأربعمئة وظيفة دائمة.",
    "كشفت وزارة التعليم عن خطة لتطوير مناهج الرياضيات والعلوم في المرحلة المتوسطة اعتبارا من الفصل الدراسي المقبل.",
    "وتركز الخطة على التعلم بالمشروعات والتجارب المخبرية وتدريب المعلمين على أساليب التقييم الحديثة والمستمرة.",
    "وسيجري تطبيق المناهج الجديدة تجريبيا في مئتي مدرسة قبل تعميمها على جميع المدارس الحكومية والأهلية.",
    "استقبل أمير المنطقة الشرقية في مكتبه بالدمام وفدا من رجال الأعمال اليابانيين لبحث فرص الاستثمار الصناعي.",
    "واستعرض الجانبان مشروعات البتروكيماويات والصناعات التحويلية وإمكانية نقل التقنية اليابانية إلى المصانع المحلية.",
    "وأكد رئيس الوفد الياباني اهتمام شركات بلاده بالتوسع في السوق السعودية ضمن مستهدفات رؤية المملكة.",
    "ضبطت الجمارك في ميناء جدة الإسلامي شحنة تحتوي على أكثر من مليوني قرص مخدر مخبأة داخل ألواح رخامية.",
    "وأحيلت القضية إلى النيابة العامة بعد القبض على ثلاثة متهمين من جنسيات مختلفة كانوا بانتظار تسلم الشحنة.",
    "وأشادت وزارة الداخلية بيقظة رجال الجمارك واستخدامهم أجهزة الفحص بالأشعة والكلاب البوليسية المدربة.",
    "أطلقت جامعة الملك عبدالله للعلوم والتقنية حاسوبا فائق السرعة لدعم أبحاث المناخ وعلوم البحار والذكاء الاصطناعي.",
    "وتبلغ قدرة الحاسوب الجديد عشرين بيتافلوب ما يضعه بين أسرع خمسين حاسوبا في العالم وفق التصنيف الأخير.",
    "وسيتاح الحاسوب للباحثين في الجامعات السعودية والشركات الناشئة عبر منصة سحابية مجانية خلال العام المقبل.",
    "شهدت أسواق الأسهم الخليجية تراجعا جماعيا في ختام تعاملات الأحد متأثرة بانخفاض أسعار النفط العالمية.",
    "وخسر المؤشر العام للسوق السعودية مئة وخمسين نقطة وسط تداولات بلغت قيمتها سبعة مليارات ريال تقريبا.",
    "وقال محللون ماليون إن المستثمرين يترقبون نتائج الشركات القيادية للربع الثالث قبل اتخاذ قرارات جديدة.",
    "وصلت الطائرة الإغاثية العاشرة إلى مطار عدن محملة بأربعين طنا من الأدوية والمستلزمات الطبية والغذائية.",
    "وتأتي الحملة ضمن برنامج إنساني لدعم المستشفيات في المحافظات المتضررة من نقص الإمدادات والوقود.",
    "وأفاد مدير مكتب المركز في عدن بأن فرقا ميدانية ستتولى توزيع المساعدات على الأسر الأكثر احتياجا.",
    "أعلن الاتحاد الدولي للفروسية استضافة العلا جولة من بطولة قفز الحواجز العالمية في فبراير المقبل.",
    "وسيشارك في الجولة نخبة من الفرسان المصنفين عالميا بجوائز مالية تتجاوز ثلاثة ملايين دولار أمريكي.",
    "وتستعد اللجنة المنظمة لتجهيز ميدان رملي جديد ومدرجات تتسع لخمسة آلاف متفرج قرب الموقع التاريخي.",
    "حذر خبراء البيئة من تراجع الغطاء النباتي في المراعي الشمالية بسبب الرعي الجائر وقلة الأمطار الموسمية.",
    "ودعوا إلى توسيع المحميات الطبيعية وزراعة ملايين الأشجار المحلية المقاومة للجفاف مثل السدر والطلح والغاف.",
    "وأطلقت المبادرة الوطنية للتشجير حملة تطوعية لزراعة مئة ألف شتلة في الحدود الشمالية والجوف هذا الشتاء.",
    "استأنفت الخطوط الجوية رحلاتها المباشرة بين الرياض وبكين بواقع ثلاث رحلات أسبوعيا بعد توقف دام سنوات.",
    "وتوقعت الشركة ارتفاع أعداد المسافرين من رجال الأعمال والطلاب والسياح الصينيين خلال موسم الشتاء.",
    "واعتبر مسؤولون في قطاع السياحة أن الخط الجديد يعزز مكانة المملكة وجهة سياحية للسوق الآسيوية الواعدة.",
)

#: Sentences kept apart from the stories: what a copy may add.
EXTRA_SENTENCES: tuple[str, ...] = (
    "وفي سياق متصل أكدت مصادر مطلعة أن اجتماعا موسعا سيعقد الأسبوع المقبل لمتابعة تنفيذ القرارات الصادرة مؤخرا.",
    "يذكر أن الجهات المختصة كانت قد أعلنت في وقت سابق عن حزمة من الإجراءات التنظيمية المرتبطة بهذا الملف.",
    "ومن جهته ثمن المواطن سلمان العتيبي هذه الخطوة مؤكدا أنها ستنعكس إيجابا على حياة سكان الأحياء البعيدة.",
)

#: Site chrome / disclaimer repeated on every page of one site (about 70 words).
BOILERPLATE = (
    "جميع الحقوق محفوظة لصحيفة الأفق الإلكترونية ولا يجوز نسخ أو إعادة نشر أي مادة من مواد الموقع دون إذن كتابي مسبق "
    "من إدارة التحرير. الآراء الواردة في المقالات تعبر عن وجهة نظر كتابها ولا تعبر بالضرورة عن رأي الصحيفة. "
    "تابعونا على منصات التواصل الاجتماعي واشتركوا في النشرة البريدية اليومية لتصلكم أهم الأخبار العاجلة والتقارير "
    "الخاصة والتحليلات الاقتصادية أولا بأول. للإعلان في الصحيفة يرجى التواصل مع قسم التسويق عبر البريد الإلكتروني "
    "أو الهاتف المجاني خلال أوقات الدوام الرسمي من الأحد إلى الخميس. سياسة الخصوصية وشروط الاستخدام وملفات الارتباط."
)

HEADLINES = (
    "إطلاق منظومة وطنية للإنذار المبكر من السيول",
    "موجة الحر ترفع أسعار المياه المعبأة",
    "افتتاح مستشفى جديد للأطفال في تبوك",
    "المنتخب يفوز في افتتاح البطولة الآسيوية",
    "انطلاق معرض الرياض الدولي للكتاب",
    "عقد لإنشاء محطة شمسية في سدير",
    "خطة لتطوير مناهج الرياضيات والعلوم",
    "أمير الشرقية يستقبل وفدا يابانيا",
)
# fmt: on


def sentence_blocks(sizes: Sequence[int], rng: random.Random | None = None) -> list[list[str]]:
    """Disjoint runs of :data:`SENTENCES` of the given sizes (pool shuffled by ``rng`` when given)."""
    assert sum(sizes) <= len(SENTENCES), "not enough sentences for these stories"
    pool = list(SENTENCES)
    if rng is not None:
        rng.shuffle(pool)
    out, at = [], 0
    for n in sizes:
        out.append(pool[at : at + n])
        at += n
    return out


def vocabulary() -> list[str]:
    """Distinct words of the sentence pool (for filler text)."""
    words = sorted({w for s in SENTENCES + EXTRA_SENTENCES for w in re.findall(r"[^\W_]+", s)})
    return words


def filler(rng: random.Random, n_words: int) -> str:
    """Text of random pool words, in random order: shares no sentence with any story."""
    vocab = vocabulary()
    words = [rng.choice(vocab) for _ in range(n_words)]
    # sentences of 12 words
    return " ".join(" ".join(words[i : i + 12]) + "." for i in range(0, n_words, 12))


# -- spelling variants -------------------------------------------------------------------------

_DIACRITIZE = {
    "الوزير": "الوَزِيرُ",
    "المركز": "المَرْكَزُ",
    "المنتخب": "المُنْتَخَبُ",
    "الشركة": "الشَّرِكَةُ",
    "وقال": "وَقالَ",
    "المحطة": "المَحَطَّةُ",
    "خلال": "خِلالَ",
    "العام": "العامِ",
}


def spelling_variant(text: str) -> str:
    """The same text as another site types it: ی for ي, ى for final ي, bare alef, diacritics, tatweel.

    ``normalize`` folds every one of these, so the normalized tokens do not change.
    """
    out = []
    for i, word in enumerate(text.split(" ")):
        core = word.rstrip(".،")
        tail = word[len(core) :]
        if core in _DIACRITIZE:
            core = _DIACRITIZE[core]
        elif i % 5 == 1:
            core = core.replace("ي", "ی")
        elif i % 5 == 2 and core.endswith("ي"):
            core = core[:-1] + "ى"
        elif i % 5 == 3:
            core = core.replace("أ", "ا").replace("إ", "ا")
        elif i % 7 == 4 and len(core) > 3:
            core = core[:2] + "ـ" + core[2:]
        out.append(core + tail)
    return " ".join(out)


def add_diacritics_only(text: str) -> str:
    """Same text with harakat on some words and doubled spaces: still an exact copy."""
    return "  ".join(_DIACRITIZE.get(w, w) for w in text.split(" "))


# -- records -----------------------------------------------------------------------------------


def record(id: str, text: str, *, title: str | None = None, source: str | None = "src",
           published: datetime | None = T0, kind: str = "article", raw: dict | None = None,
           title_as_text: bool = False) -> Record:
    return Record(id=id, text=text, title=title, source=source, published=published, kind=kind,
                  raw=raw if raw is not None else {}, title_as_text=title_as_text)


def body(sentences: Sequence[str]) -> str:
    return "\n".join(sentences)


@dataclass
class Planted:
    """A synthetic corpus and the clusters planted in it."""

    records: list[Record] = field(default_factory=list)
    #: expected clusters (sets of ids)
    clusters: list[set[str]] = field(default_factory=list)
    #: for every clustered id: "canonical", or its relation to the canonical (exact, dup, contained)
    relations: dict[str, str] = field(default_factory=dict)
    #: ids that must stay out of every cluster
    unique: set[str] = field(default_factory=set)

    def add(self, rec: Record) -> Record:
        self.records.append(rec)
        return rec


def edited_copy(sentences: Sequence[str], edit: str, rng: random.Random) -> list[str]:
    """A syndicated copy: ``drop`` one inner sentence, or ``add`` an extra one."""
    s = list(sentences)
    if edit == "drop":
        del s[rng.randrange(1, len(s))]
    elif edit == "add":
        s.insert(rng.randrange(1, len(s)), rng.choice(EXTRA_SENTENCES))
    elif edit != "none":
        raise ValueError(edit)
    return [spelling_variant(x) for x in s]


def build_planted(seed: int = 0) -> Planted:
    """Stories with exact copies, edited copies, a roundup containing one, unrelated stories and short items.

    Layout (sentence pool split into disjoint stories):

    * story A (8 sentences): original (was), exact copy (diacritics, whitespace), edited copy (drop).
    * story B (8 sentences): original, edited copy (add), edited copy (drop).
    * story C (6 sentences): original; a roundup (C + 180 words of filler) that contains it.
    * stories D, E, F (6-8 sentences): published once each: unique.
    * teasers, one-liners, title-only records: unique.
    """
    rng = random.Random(seed)
    a, b, c, d, e, f = sentence_blocks([8, 8, 6, 8, 7, 6], rng if seed else None)
    p = Planted()

    def story(key, sents, title, edits, src0="was", t0=T0):
        ids = {f"{key}0"}
        p.add(record(f"{key}0", body(sents), title=title, source=src0, published=t0))
        if edits:
            p.relations[f"{key}0"] = "canonical"
        for k, edit in enumerate(edits, start=1):
            rid = f"{key}{k}"
            if edit == "exact":
                text = add_diacritics_only(body(sents))
                p.relations[rid] = "exact"
            else:
                text = body(edited_copy(sents, edit, rng))
                p.relations[rid] = "dup"
            p.add(record(rid, text, title=f"{title} ({k})", source=f"site{k}",
                         published=t0 + timedelta(hours=k + rng.random())))
            ids.add(rid)
        if len(ids) > 1:
            p.clusters.append(ids)
        else:
            p.unique |= ids

    story("A", a, HEADLINES[0], ["exact", "drop"])
    story("B", b, HEADLINES[1], ["add", "drop"], t0=T0 + timedelta(days=1))
    # C: a short wire item inside a much longer roundup
    p.add(record("C0", body(c), title=HEADLINES[2], source="was", published=T0))
    roundup = filler(rng, 90) + "\n" + body(c) + "\n" + filler(rng, 90)
    p.add(record("C1", roundup, title="حصاد اليوم", source="roundup", published=T0 + timedelta(hours=5)))
    p.clusters.append({"C0", "C1"})
    p.relations.update({"C0": "canonical", "C1": "contained"})
    for key, sents, title in (("D", d, HEADLINES[3]), ("E", e, HEADLINES[4]), ("F", f, HEADLINES[5])):
        story(key, sents, title, [])
    # items that must never be in a cluster, each repeated verbatim
    for k in range(3):
        p.add(record(f"teaser{k}", "", title=HEADLINES[6], kind="teaser", source=f"site{k}"))
        p.add(record(f"oneline{k}", "عاجل: انقطاع الكهرباء عن أحياء في جدة", title=None, source=f"site{k}"))
        p.add(record(f"titleonly{k}", HEADLINES[7], title=HEADLINES[7], source=f"site{k}",
                     raw={"id": f"titleonly{k}", "title": HEADLINES[7], "text": ""}, title_as_text=True))
        p.unique |= {f"teaser{k}", f"oneline{k}", f"titleonly{k}"}
    return p


@pytest.fixture(scope="session")
def planted() -> Planted:
    return build_planted()


@pytest.fixture(scope="session")
def planted_fit(planted):
    from dedup.engine import Deduplicator

    return Deduplicator().fit(planted.records)


def write_jsonl(path: Path, rows: Sequence[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def records_as_rows(recs: Sequence[Record]) -> list[dict]:
    """JSON Lines rows for records (published as ISO text), with an unknown field to carry through."""
    rows = []
    for i, r in enumerate(recs):
        if r.kind == "teaser":
            continue
        text = r.raw.get("text", r.text) if r.raw else r.text  # title-only records: the empty body as read
        row = {"id": r.id, "title": r.title, "text": text, "source": r.source,
               "url": f"https://example.sa/{r.id}",
               "published": r.published.strftime("%Y-%m-%d %H:%M:%S") if r.published else None,
               "author": {"name": "محرر", "n": i}, "category": ["محليات", i]}
        rows.append(row)
    return rows
