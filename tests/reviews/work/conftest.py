from tests.reviews.planning_fixtures import direction_in_force, terms_item, workforce  # noqa: F401 - shared fixtures
