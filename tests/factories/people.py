import factory
from django.contrib.auth.models import Group, User

from patients.models import Patient


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw-for-tests-only")
    is_staff = True

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs) -> None:
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    full_name = factory.Sequence(lambda n: f"Test Patient {n}")
    phone = factory.Sequence(lambda n: f"+9198{n:08d}")
    consent_sms = True
    consent_text_version = "2026-01"
