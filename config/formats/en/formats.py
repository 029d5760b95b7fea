"""English: the console's formats (see config/formats/__init__.py)."""

DATE_FORMAT = "j M Y"  # 30 Nov 2026
DATETIME_FORMAT = "j M Y, H:i T"  # 30 Nov 2026, 10:00 IST
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
FIRST_DAY_OF_WEEK = 1  # Monday, as the insights weeks

# The first entry is what a date input is filled with: yyyy-mm-dd, the only value <input type="date"> takes.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-11-28 (native date inputs, ISO)
    "%d/%m/%Y",  # 28/11/2026
    "%d-%m-%Y",  # 28-11-2026
    "%d %b %Y",  # 28 Nov 2026, as the console shows dates
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]
DATETIME_INPUT_FORMATS = [f"{day} {clock}" for day in DATE_INPUT_FORMATS for clock in TIME_INPUT_FORMATS] + [
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
]
