"""Tests for dedup.dates: every accepted shape, and refusals instead of guesses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dedup.dates import DateParseError, parse_published, parse_published_or_none

GOOD = [
    # the two corpus shapes
    ("2015-07-21 02:51:32", "2015-07-21T02:51:32+00:00"),
    ("Sun, 18 Feb 2018 21:35:43 +0400", "2018-02-18T17:35:43+00:00"),
    ("Wed, 16 May 2018 08:01:02 GMT", "2018-05-16T08:01:02+00:00"),
    # other RFC 2822 spellings
    ("Mon, 1 Jan 2018 00:30:00 -0000", "2018-01-01T00:30:00+00:00"),
    ("18 Feb 2018 21:35 EST", "2018-02-19T02:35:00+00:00"),
    ("Sun, 18 Feb 2018 21:35:43 +0530", "2018-02-18T16:05:43+00:00"),
    # ISO 8601
    ("2023-10-19T08:30:00Z", "2023-10-19T08:30:00+00:00"),
    ("2023-10-19T08:30:00z", "2023-10-19T08:30:00+00:00"),
    ("2023-10-19T11:30:00+03:00", "2023-10-19T08:30:00+00:00"),
    ("2023-10-19T11:30+0300", "2023-10-19T08:30:00+00:00"),
    ("2023-10-19T03:30:00-05", "2023-10-19T08:30:00+00:00"),
    ("2023-10-19T08:30:00.250Z", "2023-10-19T08:30:00.250000+00:00"),
    ("2023-10-19 08:30", "2023-10-19T08:30:00+00:00"),
    ("2023-10-19", "2023-10-19T00:00:00+00:00"),
    ("2023-10-19 10:00 UTC", "2023-10-19T10:00:00+00:00"),
    ("  2023-10-19  ", "2023-10-19T00:00:00+00:00"),
    # scraped pages: English month names, ordinals, with or without comma
    ("19th, October 2023 GMT", "2023-10-19T00:00:00+00:00"),
    ("19th October 2023", "2023-10-19T00:00:00+00:00"),
    ("1st, November 2024 GMT", "2024-11-01T00:00:00+00:00"),
    ("2nd, Nov 2024", "2024-11-02T00:00:00+00:00"),
    ("3rd, march 2022 10:15", "2022-03-03T10:15:00+00:00"),
    ("23rd, Sept 2021 GMT", "2021-09-23T00:00:00+00:00"),
    ("October 18, 2023", "2023-10-18T00:00:00+00:00"),
    # Arabic month names, all regional sets, Arabic-Indic digits
    ("19 أكتوبر 2023", "2023-10-19T00:00:00+00:00"),
    ("19 اكتوبر 2023", "2023-10-19T00:00:00+00:00"),
    ("19 تشرين الأول 2023", "2023-10-19T00:00:00+00:00"),
    ("١٩ تشرين الأول ٢٠٢٣", "2023-10-19T00:00:00+00:00"),
    ("۱۹ أكتوبر ۲۰۲۳", "2023-10-19T00:00:00+00:00"),
    ("1 نوفمبر/تشرين الثاني 2024", "2024-11-01T00:00:00+00:00"),
    ("الخميس، 19 أكتوبر 2023", "2023-10-19T00:00:00+00:00"),
    ("5 آب 2015م", "2015-08-05T00:00:00+00:00"),
    ("5 جويلية 2015", "2015-07-05T00:00:00+00:00"),
    ("12 كانون الثاني 2020 - 14:05", "2020-01-12T14:05:00+00:00"),
    ("٢١ يوليو ٢٠١٥ ١٠:٣٠", "2015-07-21T10:30:00+00:00"),
    # 12-hour times: am/pm, Arabic ص/م, with the weekday, the era م and الساعة
    ("الثلاثاء 21 يوليو 2015 - 02:51 م", "2015-07-21T14:51:00+00:00"),
    ("21 يوليو 2015 - 02:51 ص", "2015-07-21T02:51:00+00:00"),
    ("21 يوليو 2015 12:05 ص", "2015-07-21T00:05:00+00:00"),
    ("21 يوليو 2015م 12:05 م", "2015-07-21T12:05:00+00:00"),
    ("الخميس، 19 أكتوبر 2023 الساعة 10:30 مساءً", "2023-10-19T22:30:00+00:00"),
    ("١٩ أكتوبر ٢٠٢٣ | ٠٩:١٥ صباحاً", "2023-10-19T09:15:00+00:00"),
    ("19 October 2023 10:30 am", "2023-10-19T10:30:00+00:00"),
    ("19 October 2023 10:30 p.m. GMT", "2023-10-19T22:30:00+00:00"),
    ("Oct 18, 2023 at 3:05 PM", "2023-10-18T15:05:00+00:00"),
    ("October 18, 2023 12:00 am", "2023-10-18T00:00:00+00:00"),
    # local time of a place whose offset never changes
    ("12 مارس 2023 - 14:20 بتوقيت أبوظبي", "2023-03-12T10:20:00+00:00"),
    ("12 مارس 2023 - 02:20 م بتوقيت مكة المكرمة", "2023-03-12T11:20:00+00:00"),
    ("12 مارس 2023 14:20 بتوقيت غرينتش", "2023-03-12T14:20:00+00:00"),
    # year first with / or .
    ("2015/07/21", "2015-07-21T00:00:00+00:00"),
    ("2015/7/21 14:30", "2015-07-21T14:30:00+00:00"),
    ("2015.07.21 02:51 م", "2015-07-21T14:51:00+00:00"),
    ("٢٠١٥/٠٧/٢١ ٠٢:٥١:٣٢ +0300", "2015-07-20T23:51:32+00:00"),
]

BAD = [
    ("", "empty"),
    ("   ", "empty"),
    ("yesterday", ""),
    ("1697700000", ""),  # epoch seconds or milliseconds? not guessed
    ("10/19/2023", ""),  # month/day or day/month? not guessed
    ("19/10/23", ""),
    ("2023-02-30", "day is out of range"),
    ("2023-10-19T25:00:00", "hour"),
    ("2023-10-19T08:00:00+25:00", "offset"),
    ("Sun, 18 Feb 2018 21:35:43 CEST", "unknown time zone"),
    ("19 October 2023 10:30 CEST", "unknown time zone"),
    ("21 يوليو 2015 - 14:51 م", "hour 14 with"),  # a 24-hour time cannot be pm
    ("12 مارس 2023 14:20 بتوقيت القاهرة", "not known for certain"),  # summer time some years
    ("12 مارس 2023 14:20 بتوقيت عمان", "not known for certain"),  # Oman or Amman?
    ("19 October 2023 0:30 am", "hour 0 with"),
    ("2015/07/32", "day is out of range"),
    ("21/07/2015", ""),  # day first? (21 cannot be a month, but 07/08/2015 would be a guess)
    ("2015/07-21", ""),
    ("19 octobre 2023", "unknown month"),
    ("19 Foo 2023", "unknown month"),
    ("19 شهر 2023", "unknown month"),
    ("1 نوفمبر/تشرين الأول 2024", "disagree"),
    ("31 حزيران 2023", "day is out of range"),
]


@pytest.mark.parametrize("value, expected", GOOD)
def test_parse_published_accepts(value, expected):
    dt = parse_published(value)
    assert dt.isoformat() == expected
    assert dt.utcoffset() == timedelta(0)


@pytest.mark.parametrize("value, why", BAD)
def test_parse_published_refuses(value, why):
    with pytest.raises(DateParseError) as info:
        parse_published(value)
    assert isinstance(info.value, ValueError)
    assert why in str(info.value)
    assert "expected e.g." in str(info.value)  # says what would work


@pytest.mark.parametrize("value", [None, "", " \t\n"])
def test_parse_published_or_none_blank(value):
    assert parse_published_or_none(value) is None


def test_parse_published_or_none_still_refuses_bad_dates():
    with pytest.raises(DateParseError):
        parse_published_or_none("not a date")


def test_parse_published_refuses_non_strings():
    with pytest.raises(DateParseError):
        parse_published(1697700000)  # type: ignore[arg-type]


def test_parse_published_is_deterministic():
    values = [v for v, _ in GOOD]
    assert [parse_published(v) for v in values] == [parse_published(v) for v in values]


@pytest.mark.parametrize("value, day_first, expected", [
    ("12/03/2023", True, "2023-03-12T00:00:00+00:00"),
    ("12/03/2023", False, "2023-12-03T00:00:00+00:00"),
    ("١٢/٣/٢٠٢٣", True, "2023-03-12T00:00:00+00:00"),
    ("12-03-2023 14:30", True, "2023-03-12T14:30:00+00:00"),
    ("12.03.2023 - 02:30 م", True, "2023-03-12T14:30:00+00:00"),
    ("03/12/2023 9:05 pm +0300", False, "2023-03-12T18:05:00+00:00"),
    ("2023-03-12", True, "2023-03-12T00:00:00+00:00"),  # other shapes are read as before
])
def test_numeric_day_month_with_an_order(value, day_first, expected):
    assert parse_published(value, day_first=day_first).isoformat() == expected


@pytest.mark.parametrize("value, day_first, why", [
    ("12/03/2023", None, "say which comes first"),
    ("31/12/2023", False, "month must be in 1..12"),
    ("12/31/2023", True, "month must be in 1..12"),
    ("19/10/23", True, ""),  # a two-digit year: which century is a guess too
])
def test_numeric_day_month_refusals(value, day_first, why):
    with pytest.raises(DateParseError) as info:
        parse_published(value, day_first=day_first)
    assert why in str(info.value)
