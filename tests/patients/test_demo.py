"""Demo care records: realistic across diagnoses, written through the services, safe to load twice."""

from io import StringIO

import pytest
from django.core.management import call_command

from patients.models import CareRecord, CareTask, GeneticTest, MonitoringItem, Resource, SymptomReport
from patients.resource_directory import RESOURCE_DIRECTORY

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_care_records_and_a_second_run_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    counts = [m.objects.count() for m in (CareRecord, GeneticTest, MonitoringItem, CareTask, SymptomReport)]
    call_command("seed_demo", stdout=StringIO())
    assert [m.objects.count() for m in (CareRecord, GeneticTest, MonitoringItem, CareTask, SymptomReport)] == counts
    assert set(CareRecord.objects.values_list("diagnosis", flat=True)) == {"cml", "gist", "ph_all"}
    assert GeneticTest.objects.filter(kind="bcr_abl1_qpcr", eln_assessment="optimal").count() >= 4
    assert GeneticTest.objects.filter(gist_finding="pdgfra_d842v").exists()
    assert CareRecord.objects.filter(has_flags=True, flag_summary__contains="D842V").exists()
    assert SymptomReport.objects.filter(is_red_flag=True).exists()
    overdue = [i for i in MonitoringItem.objects.filter(status="planned") if i.state == "overdue"]
    assert len(overdue) >= 2


def test_resources_directory_exists_after_migrate_and_seeding_keeps_admin_edits():
    assert Resource.objects.count() == len(RESOURCE_DIRECTORY)  # loaded by migration 0005
    Resource.objects.filter(name="Cancer.Net").update(description="Edited by an admin")
    call_command("seed_resources", stdout=StringIO())
    assert Resource.objects.get(name="Cancer.Net").description == "Edited by an admin"
    assert Resource.objects.count() == len(RESOURCE_DIRECTORY)


def test_daily_sweep_is_scheduled_by_migration():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="patients.tasks.daily_care_sweep")
    assert schedule.schedule_type == Schedule.DAILY
