"""The archive's date parser (gis.archive_dates): the forms people write, in English and Greek, and what is not
understood. No database."""

from datetime import date

import pytest

from gis.archive_dates import DateInterval, date_interval

CASES = [
    ("1912", (date(1912, 1, 1), date(1912, 12, 31))),
    ("c. 1920", (date(1915, 1, 1), date(1925, 12, 31))),
    ("ca.1920", (date(1915, 1, 1), date(1925, 12, 31))),
    ("circa 1920", (date(1915, 1, 1), date(1925, 12, 31))),
    ("1920?", (date(1915, 1, 1), date(1925, 12, 31))),
    ("περ. 1920", (date(1915, 1, 1), date(1925, 12, 31))),
    ("περίπου 1920", (date(1915, 1, 1), date(1925, 12, 31))),
    ("1910s", (date(1910, 1, 1), date(1919, 12, 31))),
    ("1910's", (date(1910, 1, 1), date(1919, 12, 31))),
    ("δεκαετία του 1910", (date(1910, 1, 1), date(1919, 12, 31))),
    ("Δεκαετία του 1950", (date(1950, 1, 1), date(1959, 12, 31))),
    ("1912–1913", (date(1912, 1, 1), date(1913, 12, 31))),
    ("1912-1913", (date(1912, 1, 1), date(1913, 12, 31))),
    ("1912 - 1913", (date(1912, 1, 1), date(1913, 12, 31))),
    ("1912/1913", (date(1912, 1, 1), date(1913, 12, 31))),
    ("1912-05-03", (date(1912, 5, 3), date(1912, 5, 3))),
    ("1912-05", (date(1912, 5, 1), date(1912, 5, 31))),
    ("1900-02", (date(1900, 2, 1), date(1900, 2, 28))),  # 1900 was not a leap year
    ("3/5/1912", (date(1912, 5, 3), date(1912, 5, 3))),  # day first, as Greeks write it
    ("2003-04-22T13:13:44Z", (date(2003, 4, 22), date(2003, 4, 22))),  # an OAI-PMH dc:date
    ("1912-05-03/1912-06-01", (date(1912, 5, 3), date(1912, 6, 1))),  # EDTF interval
    ("c. 1910 – 1920s", (date(1905, 1, 1), date(1929, 12, 31))),
    ("19th century", (date(1800, 1, 1), date(1899, 12, 31))),
    ("19th c.", (date(1800, 1, 1), date(1899, 12, 31))),
    ("19ος αιώνας", (date(1800, 1, 1), date(1899, 12, 31))),
    ("19ου αιώνα", (date(1800, 1, 1), date(1899, 12, 31))),
    ("  1912 ", (date(1912, 1, 1), date(1912, 12, 31))),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_a_date_as_written_is_an_interval_of_days(text, expected):
    assert date_interval(text) == DateInterval(*expected)


@pytest.mark.parametrize(
    "text", ["", "unknown", "άγνωστη", "1913-1912", "1912-13-01", "1912-02-30", "31/2/1912", "1st century BC", "12"]
)
def test_what_is_not_understood_has_no_interval(text):
    assert date_interval(text) is None


def test_intervals_sort_as_the_dates_they_mean():
    texts = ["19th century", "1912-05-03", "c. 1920", "1910s", "1912"]
    ordered = sorted(texts, key=lambda text: (date_interval(text).start, date_interval(text).end))
    assert ordered == ["19th century", "1910s", "1912", "1912-05-03", "c. 1920"]
