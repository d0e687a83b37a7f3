"""Boring factories. Local authorities come from the reference data the migrations load."""

import datetime

import factory
from django.contrib.auth import get_user_model

from intervention.enums import Organisation, Role
from intervention.models import Appointment, Intervention, LocalAuthority, Person


def authority(dfe_code: str) -> LocalAuthority:
    return LocalAuthority.objects.get(dfe_code=dfe_code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@casework.example")
    email = factory.SelfAttribute("username")
    password = factory.PostGenerationMethodCall("set_password", "a long enough password")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    organisation = Organisation.INDEPENDENT
    user = factory.SubFactory(UserFactory)


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    local_authority = factory.LazyFunction(lambda: authority("884"))
    opened_on = datetime.date(2021, 5, 18)


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    person = factory.SubFactory(PersonFactory)
    intervention = factory.SubFactory(InterventionFactory)
    role = Role.COMMISSIONER
    starts_on = datetime.date(2022, 9, 21)
