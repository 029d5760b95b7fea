from datetime import time

import factory

from consults.models import Consult, ConsultStatus, Expert, ExpertRole, Topic, WeeklyAvailability
from tests.factories.people import PatientFactory


class ExpertFactory(factory.django.DjangoModelFactory):
    """An expert who works 09:00-17:00 every day of the week in Asia/Kolkata (20 min + 10 min buffer)."""

    class Meta:
        model = Expert
        skip_postgeneration_save = True

    display_name = factory.Sequence(lambda n: f"Dr Test {n}")
    role = ExpertRole.HEMATO_ONCOLOGIST
    languages = factory.LazyFunction(lambda: ["en", "hi"])
    time_zone = "Asia/Kolkata"
    consult_minutes = 20
    buffer_minutes = 10

    @factory.post_generation
    def hours(self, create: bool, extracted: list[tuple[int, time, time]] | None, **kwargs) -> None:
        """hours=[(weekday, start, end), ...]; default every day 09:00-17:00; hours=[] for none."""
        if not create:
            return
        blocks = extracted if extracted is not None else [(day, time(9), time(17)) for day in range(7)]
        for weekday, start, end in blocks:
            WeeklyAvailability.objects.create(expert=self, weekday=weekday, start_time=start, end_time=end)


class ConsultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consult

    patient = factory.SubFactory(PatientFactory)
    expert = factory.SubFactory(ExpertFactory)
    start = None  # give one
    end = factory.LazyAttribute(lambda c: c.start + c.expert.consult_length)
    status = ConsultStatus.CONFIRMED
    topic = Topic.TREATMENT_QUESTION
