"""Publication dates: every shape the inputs use, parsed to UTC, never guessed.

One small parser per shape, each returning a :class:`~datetime.datetime` or
``None`` when the shape does not match; :func:`parse_published` tries them in
order (the two shapes of the real corpora first, so reading stays fast) and
raises :class:`DateParseError` when none matches or the values are out of
range. Stdlib only.

Accepted shapes (after Arabic-Indic digits are folded to ASCII):

=====================================  ==========================================
shape                                  example
=====================================  ==========================================
SQL-style timestamp                    ``2015-07-21 02:51:32``
ISO 8601 (``T`` or space, ``Z``,       ``2023-10-19T08:30:00Z``,
offsets, fractions, date only)         ``2023-10-19T11:30+03:00``, ``2023-10-19``
RFC 2822 (feeds, e-mail)               ``Sun, 18 Feb 2018 21:35:43 +0400``
English day-month (scraped pages)      ``19th, October 2023 GMT``, ``1 Nov 2024``
English month-day (embedded tweets)    ``October 18, 2023``, ``Oct 18, 2023 at 3:05 pm``
Arabic month names                     ``19 أكتوبر 2023``, ``19 تشرين الأول 2023``,
                                       ``1 نوفمبر/تشرين الثاني 2024``,
                                       ``الثلاثاء 21 يوليو 2015 - 02:51 م``,
                                       ``12 مارس 2023 - 14:20 بتوقيت أبوظبي``
Year first with ``/`` or ``.``         ``2015/07/21``, ``2015.07.21 14:30``
=====================================  ==========================================

A time without a zone is taken as UTC; a date without a time is midnight UTC.
A 12-hour time takes ``am``/``pm`` or the Arabic ``ص``/``م`` (``صباحًا``/``مساءً``).
Day and month given as numbers (``07/08/2015``) are refused unless the caller
says which comes first (``day_first``; ``--date-order`` on the command line):
which is the day would be a guess.
Zone names other than ``GMT``/``UTC``/``UT``/``Z`` (and the North American
zones RFC 2822 defines) are refused rather than guessed; so is ``بتوقيت``
(local time of) a place whose offset changes with the season (Cairo, Beirut):
only Gulf capitals, Baghdad and Greenwich are known for certain.
"""

from __future__ import annotations

import email.utils
import re
from datetime import datetime, timedelta, timezone

__all__ = ["DateParseError", "parse_published", "parse_published_or_none"]

UTC = timezone.utc


class DateParseError(ValueError):
    """A date string matched none of the accepted shapes, or had impossible values.

    Example:
        >>> try:
        ...     parse_published("yesterday")
        ... except DateParseError as exc:
        ...     print(exc.value)
        yesterday
    """

    def __init__(self, value: str, why: str = "") -> None:
        self.value = value
        detail = f" ({why})" if why else ""
        super().__init__(
            f"cannot parse date {value!r}{detail}; expected e.g. '2015-07-21 02:51:32', "
            "'2023-10-19T08:30:00Z', 'Sun, 18 Feb 2018 21:35:43 +0400' or '19th, October 2023 GMT'"
        )


# --------------------------------------------------------------------------- tables

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PUNCT = str.maketrans({"،": ",", "٬": ",", "\u00a0": " ", "\u200f": None, "\u200e": None})

_MONTHS_EN = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}

# Keys are folded with _fold_arabic: hamza-alefs to bare alef, Persian ya/kaf to
# Arabic, teh marbuta to heh, no diacritics or tatweel, single spaces.
_MONTHS_AR = {
    # Egypt and the Gulf
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    # The Levant and Iraq
    "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7,
    "اب": 8, "ايلول": 9, "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الاول": 12,
    # The Maghreb
    "جانفي": 1, "فيفري": 2, "افريل": 4, "ماي": 5, "جوان": 6, "جويليه": 7, "اوت": 8,
}

_WEEKDAYS_AR = ("الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت")

# RFC 2822 section 4.3 zone names; anything else alphabetic is refused.
_ZONES = {"Z": 0, "UT": 0, "UTC": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
          "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}

# "بتوقيت <city>": only places without daylight saving time, so the offset is
# certain whatever the date (Cairo, Beirut, Jerusalem, Amman before 2022 change
# with the season and are refused).
_AR_CITY_ZONES = {
    "غرينتش": 0, "جرينتش": 0, "غرينيتش": 0, "جرينيتش": 0,
    "مكه": 3, "مكه المكرمه": 3, "السعوديه": 3, "الرياض": 3, "جده": 3, "الدوحه": 3, "قطر": 3,
    "الكويت": 3, "البحرين": 3, "المنامه": 3, "بغداد": 3, "العراق": 3,
    "ابوظبي": 4, "ابو ظبي": 4, "الامارات": 4, "دبي": 4, "مسقط": 4, "سلطنه عمان": 4,
    # (bare عمان is refused: Oman or Amman, which kept summer time until 2022)
}

_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك",
                          "ة": "ه", "\u0640": None})
_AR_DIACRITICS_RE = re.compile("[\u064B-\u065F\u0670]")

# --------------------------------------------------------------------------- regexes

_TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<F>\d{1,9}))?)?"
# after a time: am/pm, or Arabic ص/م (صباحًا/مساءً); after a year, م is the era (ميلادي), not pm
_MERIDIEM = r"(?:\s*(?P<P>[AaPp]\.?\s?[Mm]\.?(?![A-Za-z])|صباحا|صباحًا|صباحاً|مساءً|مساءا|مساء|ص|م))?"
_AM, _PM = frozenset({"am", "ص", "صباحا", "صباحًا", "صباحاً"}), frozenset({"pm", "م", "مساء", "مساءً", "مساءا"})
_ZONE = r"(?P<Z>Z|[A-Za-z]{1,5}|[+-]\d{2}(?::?\d{2})?)"

_SQL_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\Z")
_RFC_FAST_RE = re.compile(
    r"(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (GMT|UTC|[+-]\d{4})\Z")
_ISO_RE = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    rf"(?:[Tt ]{_TIME}\s*{_ZONE}?)?\Z")
_HAS_MERIDIEM_RE = re.compile(r"\d:\d{2}(?::\d{2})?\s*[AaPp]\.?\s?[Mm]\.?(?![A-Za-z])")
_RFC_LOOSE_RE = re.compile(r"(?:[A-Za-z]{3,9},?\s+)?\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}\s+\d{1,2}:\d{2}")
_EN_DAY_MONTH_RE = re.compile(
    r"(?:[A-Za-z]{3,9},?\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(?P<mon>[A-Za-z]{3,9})\.?\s*,?\s+(?P<y>\d{4})"
    rf"(?:\s*,?\s*(?:at\s+)?{_TIME}{_MERIDIEM})?(?:\s*{_ZONE})?\Z", re.IGNORECASE)
_EN_MONTH_DAY_RE = re.compile(
    r"(?:[A-Za-z]{3,9},?\s+)?(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s+(?P<y>\d{4})"
    rf"(?:\s*,?\s*(?:at\s+)?{_TIME}{_MERIDIEM})?(?:\s*{_ZONE})?\Z", re.IGNORECASE)
_AR_RE = re.compile(
    r"(?:(?P<wd>[\u0621-\u064A\u0640\u064B-\u065F]+)\s*,?\s*)?(?P<d>\d{1,2})\s+"
    r"(?P<mon>[\u0621-\u064A\u0640\u064B-\u065F\u06A9\u06CC /]+?)\s*,?\s*(?P<y>\d{4})(?:\s*م)?"
    rf"(?:\s*[-,|]?\s*(?:(?:الساعة|الساعه)\s+)?{_TIME}{_MERIDIEM})?"
    rf"(?:\s*(?:ب?توقيت|حسب توقيت)\s+(?P<city>[\u0621-\u064A ]+?)|\s*{_ZONE})?\Z")
# day and month as numbers, then a four-digit year (12/03/2023, 12-3-2023, 12.03.2023): read only when
# the caller says which comes first
_DMY_RE = re.compile(
    r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})"
    rf"(?:(?:[Tt ,]|\s*-\s*)\s*{_TIME}{_MERIDIEM})?(?:\s*{_ZONE})?\Z")
# year first with slashes or dots (2015/07/21, 2015.07.21): the order is not in doubt
_YMD_RE = re.compile(
    r"(?P<y>\d{4})(?P<sep>[/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    rf"(?:[Tt ,]\s*{_TIME}{_MERIDIEM})?(?:\s*{_ZONE})?\Z")

# --------------------------------------------------------------------------- helpers


def _clean(value: str) -> str:
    """Fold Arabic-Indic digits and Arabic commas, collapse whitespace."""
    return " ".join(value.translate(_DIGITS).translate(_PUNCT).split())


def _fold_arabic(word: str) -> str:
    """Fold a run of Arabic words to the spelling used as a key in the month table."""
    return " ".join(_AR_DIACRITICS_RE.sub("", word.translate(_AR_FOLD)).split())


def _tz(zone: str | None, value: str) -> timezone | None:
    """A zone token (``Z``, ``GMT``, ``+0400``, ``-03:00``…) as a timezone; ``None`` if absent."""
    if zone is None:
        return None
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 23 or minutes > 59:
            raise DateParseError(value, f"offset {zone} out of range")
        sign = -1 if zone[0] == "-" else 1
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    hours = _ZONES.get(zone.upper())
    if hours is None:
        raise DateParseError(value, f"unknown time zone {zone!r}; give a numeric offset such as +0300")
    return timezone(timedelta(hours=hours))


def _build(value: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0,
           second: int = 0, micro: int = 0, tz: timezone | None = None) -> datetime:
    """Make the UTC datetime, turning impossible values into :class:`DateParseError`."""
    try:
        dt = datetime(year, month, day, hour, minute, second, micro, tzinfo=tz or UTC)
    except ValueError as exc:
        raise DateParseError(value, str(exc)) from None
    return dt if tz is None or dt.utcoffset() == timedelta(0) else dt.astimezone(UTC)


def _time_fields(m: re.Match) -> tuple[int, int, int, int]:
    """Hour, minute, second and microsecond from a match of ``_TIME`` (zeros when absent),
    with its am/pm (``_MERIDIEM``) applied."""
    if m.group("H") is None:
        return 0, 0, 0, 0
    frac = m.group("F") or ""
    hour = int(m.group("H"))
    meridiem = m.groupdict().get("P")
    if meridiem:
        half = meridiem.lower().replace(".", "").replace(" ", "")
        if not 1 <= hour <= 12:
            raise DateParseError(m.string, f"hour {hour} with {meridiem!r}")
        hour = hour % 12 + (12 if half in _PM else 0)
    return (hour, int(m.group("M")), int(m.group("S") or 0),
            int((frac + "000000")[:6]) if frac else 0)


def _month_en(name: str, value: str) -> int:
    month = _MONTHS_EN.get(name.lower())
    if month is None:
        raise DateParseError(value, f"unknown month name {name!r}")
    return month


# --------------------------------------------------------------------------- one parser per shape


def _parse_sql(s: str) -> datetime | None:
    """``2015-07-21 02:51:32`` (the SaudiNewsNet shape), naive, taken as UTC."""
    m = _SQL_RE.match(s)
    if m is None:
        return None
    y, mo, d, h, mi, se = map(int, m.groups())
    return _build(s, y, mo, d, h, mi, se)


def _parse_rfc_fast(s: str) -> datetime | None:
    """``Sun, 18 Feb 2018 21:35:43 +0400`` / ``… GMT`` (the ANT shapes)."""
    m = _RFC_FAST_RE.match(s)
    if m is None:
        return None
    d, mon, y, h, mi, se, zone = m.groups()
    month = _MONTHS_EN.get(mon.lower())
    if month is None:
        return None
    tz = None if zone in ("GMT", "UTC") else _tz(zone, s)
    return _build(s, int(y), month, int(d), int(h), int(mi), int(se), tz=tz)


def _parse_year_first(s: str) -> datetime | None:
    """Year first: ISO 8601 extended format (date, optional time, optional ``Z``
    or offset), or with ``/`` or ``.`` (``2015/7/21 14:30``, ``2015.07.21 02:51 م``)."""
    m = _ISO_RE.match(s) or _YMD_RE.match(s)
    if m is None:
        return None
    h, mi, se, micro = _time_fields(m)
    return _build(s, int(m["y"]), int(m["m"]), int(m["d"]), h, mi, se, micro, _tz(m["Z"], s))


def _parse_rfc(s: str) -> datetime | None:
    """Other RFC 2822 spellings, through :func:`email.utils.parsedate_to_datetime`.

    Only strings shaped like RFC 2822 get there (``email.utils`` is lenient).
    An unknown zone name comes back naive from ``email.utils``; it is refused
    here instead of being taken as UTC.
    """
    if _RFC_LOOSE_RE.match(s) is None or _HAS_MERIDIEM_RE.search(s):  # 12-hour times: _parse_en
        return None
    try:
        dt = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        return None
    if dt.tzinfo is None:
        last = s.split()[-1]
        if ":" not in last and last != "-0000":
            raise DateParseError(s, f"unknown time zone {last!r}; give a numeric offset such as +0300")
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _parse_en(s: str) -> datetime | None:
    """English month names: ``19th, October 2023 GMT``, ``1 Nov 2024``, ``October 18, 2023``."""
    m = _EN_DAY_MONTH_RE.match(s) or _EN_MONTH_DAY_RE.match(s)
    if m is None:
        return None
    h, mi, se, micro = _time_fields(m)
    return _build(s, int(m["y"]), _month_en(m["mon"], s), int(m["d"]), h, mi, se, micro, _tz(m["Z"], s))


def _parse_ar(s: str) -> datetime | None:
    """Arabic month names, any regional set, optionally two joined by ``/``: ``1 نوفمبر/تشرين الثاني 2024``."""
    m = _AR_RE.match(s)
    if m is None:
        return None
    if m["wd"] is not None and _fold_arabic(m["wd"]) not in _WEEKDAYS_AR:
        return None
    months = set()
    for name in m["mon"].split("/"):
        month = _MONTHS_AR.get(_fold_arabic(name))
        if month is None:
            raise DateParseError(s, f"unknown month name {name.strip()!r}")
        months.add(month)
    if len(months) != 1:
        raise DateParseError(s, "the two month names disagree")
    h, mi, se, micro = _time_fields(m)
    if m["city"] is not None:
        hours = _AR_CITY_ZONES.get(_fold_arabic(m["city"]))
        if hours is None:
            raise DateParseError(s, f"time of {m['city'].strip()!r}: its offset from UTC is not known for certain")
        return _build(s, int(m["y"]), months.pop(), int(m["d"]), h, mi, se, micro, timezone(timedelta(hours=hours)))
    return _build(s, int(m["y"]), months.pop(), int(m["d"]), h, mi, se, micro, _tz(m["Z"], s))


_PARSERS = (_parse_sql, _parse_rfc_fast, _parse_year_first, _parse_rfc, _parse_en, _parse_ar)

# --------------------------------------------------------------------------- public


def _parse_numeric(s: str, day_first: bool) -> datetime | None:
    """``12/03/2023 14:30``: day first (``day_first``) or month first."""
    m = _DMY_RE.match(s)
    if m is None:
        return None
    a, b = int(m["a"]), int(m["b"])
    day, month = (a, b) if day_first else (b, a)
    h, mi, se, micro = _time_fields(m)
    return _build(s, int(m["y"]), month, day, h, mi, se, micro, _tz(m["Z"], s))


def parse_published(value: str, day_first: bool | None = None) -> datetime:
    """Parse a publication date to a timezone-aware datetime in UTC.

    Tries each accepted shape (see the module docstring); a time without a zone
    is taken as UTC. Nothing is guessed: an unknown shape, month or zone name,
    or an impossible date raises.

    Args:
        value: The date as read, e.g. ``"Sun, 18 Feb 2018 21:35:43 +0400"``.
        day_first: How to read a date written as two numbers and a year
            (``12/03/2023``): ``True`` day first (the usual order in Arab
            countries), ``False`` month first, ``None`` (default) refuse it.

    Returns:
        The instant, with ``tzinfo=timezone.utc``.

    Raises:
        DateParseError: ``value`` is empty or matches no accepted shape. Use
            :func:`parse_published_or_none` for optional fields.

    Example:
        >>> parse_published("Sun, 18 Feb 2018 21:35:43 +0400").isoformat()
        '2018-02-18T17:35:43+00:00'
        >>> parse_published("19th, October 2023 GMT").isoformat()
        '2023-10-19T00:00:00+00:00'
        >>> parse_published("١٩ تشرين الأول ٢٠٢٣").date().isoformat()
        '2023-10-19'
        >>> parse_published("12/03/2023", day_first=True).date().isoformat()
        '2023-03-12'
    """
    if not isinstance(value, str):
        raise DateParseError(repr(value), f"expected a string, got {type(value).__name__}")
    # The two corpus shapes first, on the raw string: no cleaning needed.
    dt = _parse_sql(value) or _parse_rfc_fast(value)
    if dt is not None:
        return dt
    s = _clean(value)
    if not s:
        raise DateParseError(value, "empty; use parse_published_or_none for optional fields")
    for parser in _PARSERS:
        dt = parser(s)
        if dt is not None:
            return dt
    if day_first is not None:
        dt = _parse_numeric(s, day_first)
        if dt is not None:
            return dt
    elif _DMY_RE.match(s):
        raise DateParseError(value, "day and month are both numbers: say which comes first (--date-order dmy or mdy)")
    raise DateParseError(value)


def parse_published_or_none(value: str | None, day_first: bool | None = None) -> datetime | None:
    """Like :func:`parse_published`, but ``None``, empty or blank gives ``None``.

    A non-blank value that cannot be parsed still raises: a missing date and a
    bad date are different things.

    Example:
        >>> parse_published_or_none("  ") is None
        True
        >>> parse_published_or_none("2015-07-21 02:51:32").isoformat()
        '2015-07-21T02:51:32+00:00'
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_published(value, day_first)
