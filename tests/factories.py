"""Boring factories. Local authorities come from the reference data the migrations load."""

import datetime

import factory
from django.contrib.auth import get_user_model

from intervention.enums import Organisation, Role
from intervention.models import Appointment, Intervention, LocalAuthority, Person


def authority(dfe_code: str) -> LocalAuthority:
    # Transactional tests flush every table, including the reference data the migration loaded.
    if not LocalAuthority.objects.exists():
        from intervention.services import load_local_authorities

        load_local_authorities()
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


def issued_direction(
    intervention,
    issued_on=datetime.date(2022, 9, 21),
    *,
    by=None,
    revokes=None,
    clauses=("To comply",),
    terms_of_reference=(),
):
    """An issued statutory direction with numbered operative paragraphs, through the services."""
    from directions import services
    from directions.enums import InstrumentKind, LegalBasis, Part
    from directions.models import Clause, Instrument

    instrument = Instrument(
        intervention=intervention,
        kind=InstrumentKind.STATUTORY_DIRECTION,
        legal_basis=LegalBasis.SECTION_497A_4B,
        title="Statutory direction",
        addressed_to=intervention.local_authority.council_name,
        issued_on=issued_on,
        signed_by_name="Dawn Dandy",
        signed_by_title="A Senior Civil Servant in the Department for Education",
        revokes=revokes,
    )
    instrument.full_clean()
    instrument.save()
    for position, text in enumerate(clauses, start=7):
        Clause.objects.create(
            instrument=instrument, part=Part.OPERATIVE, label=str(position), position=position, text=text
        )
    for position, text in enumerate(terms_of_reference, start=1):
        Clause.objects.create(
            instrument=instrument, part=Part.TERMS_OF_REFERENCE, label=str(position), position=position, text=text
        )
    if by is None:
        by = UserFactory(is_superuser=True, username=f"issuer{instrument.pk}@casework.example")
    return services.issue_instrument(instrument=instrument, by=by)


def issued_instruction(intervention, by, **overrides):
    """An instruction issued to the case by `by` (a commissioner or DfE user), through the services."""
    from directions import services

    fields = {
        "title": "Recruitment",
        "text": "Recruit permanent social workers by March.",
        "issued_on": datetime.date(2023, 1, 1),
        "due_on": datetime.date(2023, 2, 1),
        **overrides,
    }
    return services.issue_instruction(intervention=intervention, issued_by=by.person, by=by, **fields)


def authenticator_for(user):
    """The person's authenticator app, set up (as if they had scanned the QR code and confirmed it)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def totp_code(device) -> str:
    """The code the person's authenticator app shows now, as the app works it out (RFC 6238), for a
    time step the device has not accepted yet: a code is accepted once, so a second sign-in within
    the same 30 seconds uses the next step (within the device's tolerance), or waits for one."""
    import time

    from django_otp.oath import hotp

    device.refresh_from_db()
    while True:
        base = (int(time.time()) - device.t0) // device.step + device.drift
        for offset in range(device.tolerance + 1):
            if base + offset > device.last_t:
                return f"{hotp(device.bin_key, base + offset, digits=device.digits):0{device.digits}d}"
        time.sleep(1)
