"""A coordinator sets up dose reminders from the care record, then pauses and resumes follow-ups, in a real browser."""

import pytest

from followups.models import FollowUpPause, MedicationReminderPlan


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_sets_up_dose_reminders_then_pauses_and_resumes(live_server, page, screenshot, patient):
    refused = []  # every request the pages make must be answered
    page.on("response", lambda response: response.status >= 400 and refused.append((response.status, response.url)))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/patients/patient/{patient.pk}/change/")
    section = page.locator("#panel-followups")
    assert "Dose reminders: off" in section.inner_text()
    icon = page.locator("link[rel=icon]").get_attribute("href")  # else every page logs a favicon 404
    assert page.request.get(f"{live_server.url}{icon}").ok

    section.get_by_role("link", name="set up").first.click()
    page.wait_for_url("**/medicationreminderplan/add/**")
    assert page.locator("#id_patient").input_value() == str(patient.pk)  # no second search for the patient
    page.fill("#id_local_time", "08:30")
    page.click("input[name=_save]")

    page.wait_for_url(f"**/patient/{patient.pk}/change/#panel-followups")
    section = page.locator("#panel-followups")
    assert "daily at 08:30 (Asia/Kolkata)" in section.inner_text()
    assert "Dose reminder (daily)" in section.locator("ul").nth(1).inner_text()
    plan = MedicationReminderPlan.objects.get(patient=patient)
    assert plan.active
    assert plan.next_at is not None
    assert section.get_by_role("link", name="change").count() == 1  # the plan exists now: edit, not add

    page.fill("#followups-pause-reason", "In hospital")
    page.get_by_role("button", name="Pause").click()
    page.wait_for_url(f"**/patient/{patient.pk}/change/#panel-followups")
    section = page.locator("#panel-followups")
    assert "In hospital" in section.get_by_role("status").inner_text()
    assert "Dose reminder (daily) (paused)" in section.inner_text()
    screenshot("followups-paused-on-care-record")

    section.get_by_role("button", name="Resume follow-ups").click()
    page.wait_for_url(f"**/patient/{patient.pk}/change/#panel-followups")
    assert "Follow-ups are running." in page.locator("#panel-followups").inner_text()
    pause = FollowUpPause.objects.get(patient=patient)
    assert pause.reason == "In hospital"
    assert pause.resumed_by.username == "alice"
    assert refused == []
