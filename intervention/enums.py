"""Choices in the domain's own words. A leaf module: it imports nothing of the project's."""

from __future__ import annotations

from django.db import models


class LocalAuthorityKind(models.TextChoices):
    COUNTY = "county", "County council"
    UNITARY = "unitary", "Unitary authority"
    METROPOLITAN_BOROUGH = "metropolitan_borough", "Metropolitan borough"
    LONDON_BOROUGH = "london_borough", "London borough"


class ServiceArea(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    SEND = "send", "Special educational needs and disabilities"


class Organisation(models.TextChoices):
    DFE = "dfe", "Department for Education"
    COUNCIL = "council", "Local authority"
    INDEPENDENT = "independent", "Appointed by the Secretary of State"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    COMMISSIONER = "commissioner", "Commissioner"
    IMPROVEMENT_ADVISER = "improvement_adviser", "Improvement adviser"
    INTERVENTION_ADVISER = "intervention_adviser", "Intervention adviser"
    DFE_CASE_LEAD = "dfe_case_lead", "DfE case lead"
    DFE_CONTRACT_MANAGER = "dfe_contract_manager", "DfE contract manager"
    IMPROVEMENT_BOARD_CHAIR = "improvement_board_chair", "Improvement board chair"
    DIRECTOR_OF_CHILDRENS_SERVICES = "director_childrens_services", "Director of children's services"
    COUNCIL_OFFICER = "council_officer", "Council officer"


# Whoever an instrument appoints to oversee the council holds the commissioner's powers here:
# not every direction appoints a commissioner; some appoint advisers.
OVERSEEING_ROLES = frozenset({Role.COMMISSIONER, Role.IMPROVEMENT_ADVISER, Role.INTERVENTION_ADVISER})
DFE_ROLES = frozenset({Role.DFE_CASE_LEAD, Role.DFE_CONTRACT_MANAGER})
COUNCIL_ROLES = frozenset({Role.DIRECTOR_OF_CHILDRENS_SERVICES, Role.COUNCIL_OFFICER})


class InspectionKind(models.TextChoices):
    STANDARD_ILACS = "standard_ilacs", "Standard ILACS inspection"
    SHORT_ILACS = "short_ilacs", "Short ILACS inspection"
    SIF = "sif", "Single inspection framework inspection"
    FOCUSED_VISIT = "focused_visit", "Focused visit"
    MONITORING_VISIT = "monitoring_visit", "Monitoring visit"
    JTAI = "jtai", "Joint targeted area inspection"


class Framework(models.TextChoices):
    SIF = "sif", "Single inspection framework (2013 to 2017)"
    ILACS_2018 = "ilacs_2018", "ILACS (2018 to 2022)"
    ILACS_2023 = "ilacs_2023", "ILACS (from January 2023)"


class JudgementArea(models.TextChoices):
    IMPACT_OF_LEADERS = "impact_of_leaders", "The impact of leaders on social work practice with children and families"
    HELP_AND_PROTECTION = "help_and_protection", "The experiences and progress of children who need help and protection"
    CHILDREN_IN_CARE_AND_CARE_LEAVERS = (
        "children_in_care_and_care_leavers",
        "The experiences and progress of children in care and care leavers",
    )
    CHILDREN_IN_CARE = "children_in_care", "The experiences and progress of children in care"
    CARE_LEAVERS = "care_leavers", "The experiences and progress of care leavers"
    OVERALL_EFFECTIVENESS = "overall_effectiveness", "Overall effectiveness"
    SIF_LOOKED_AFTER = "sif_looked_after", "Children looked after and achieving permanence"
    SIF_ADOPTION = "sif_adoption", "Adoption performance"
    SIF_CARE_LEAVERS = "sif_care_leavers", "The experiences and progress of care leavers (SIF)"
    SIF_LEADERSHIP = "sif_leadership", "Leadership, management and governance"


FRAMEWORK_AREAS: dict[str, tuple[str, ...]] = {
    Framework.SIF: (
        JudgementArea.HELP_AND_PROTECTION,
        JudgementArea.SIF_LOOKED_AFTER,
        JudgementArea.SIF_ADOPTION,
        JudgementArea.SIF_CARE_LEAVERS,
        JudgementArea.SIF_LEADERSHIP,
        JudgementArea.OVERALL_EFFECTIVENESS,
    ),
    Framework.ILACS_2018: (
        JudgementArea.IMPACT_OF_LEADERS,
        JudgementArea.HELP_AND_PROTECTION,
        JudgementArea.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
        JudgementArea.OVERALL_EFFECTIVENESS,
    ),
    Framework.ILACS_2023: (
        JudgementArea.IMPACT_OF_LEADERS,
        JudgementArea.HELP_AND_PROTECTION,
        JudgementArea.CHILDREN_IN_CARE,
        JudgementArea.CARE_LEAVERS,
        JudgementArea.OVERALL_EFFECTIVENESS,
    ),
}


class Grade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"
