"""Hindi: the same patterns as English (month names come out in Hindi); the console is shown in English,
but a browser asking for Hindi must not get Django's Hindi defaults ("g:i A", "d-m-Y") on console pages."""

from config.formats.en.formats import (  # noqa: F401 - re-exported as this language's formats
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    TIME_INPUT_FORMATS,
    YEAR_MONTH_FORMAT,
)
