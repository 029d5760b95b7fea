"""Clinic insights (issue 14): /admin/insights/, for coordinators and admins.

Modules, one idea each: access (who may open it, and whose patients count), selectors (one
aggregate query per question, weeks in settings.TIME_ZONE starting Monday), reports (the table
behind each chart), charts (server-drawn SVG), csv_export (spreadsheet-safe downloads), views.

Scope decision: a coordinator's numbers cover the patients they may open in the console (their own
and unassigned ones, patients.selectors.visible); an admin's cover everyone. The page and its CSV
files never name a patient. Experts and accounts without a clinic role get 403.
"""
