"""Czech office style: 24. 11. 2026 (spaces after the dots), 24-hour time."""

DATE_FORMAT = "j. n. Y"
SHORT_DATE_FORMAT = "j. n. Y"
DATETIME_FORMAT = "j. n. Y H:i"
SHORT_DATETIME_FORMAT = "j. n. Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j. n."
YEAR_MONTH_FORMAT = "F Y"
DATE_INPUT_FORMATS = ["%d. %m. %Y", "%d.%m.%Y", "%d. %m. %y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d. %m. %Y %H:%M:%S", "%d. %m. %Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
]
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
