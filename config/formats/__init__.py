"""The console's date and time formats (FORMAT_MODULE_PATH): one way to show a date, one to show a time.

Dates read "30 Nov 2026"; date-times "30 Nov 2026, 10:00 IST" (the zone's abbreviation, or
"UTC+04:00" where it has none: clinic.timezones.DisplayZone). Typed dates are accepted as
yyyy-mm-dd (what a native date input sends), dd/mm/yyyy and dd-mm-yyyy (how people in India write
them) and "30 Nov 2026" (the displayed form); never mm/dd/yyyy, which Django's English defaults
would read 05/11/2026 as 11 May. The API keeps ISO 8601 (DRF has its own settings).
"""
