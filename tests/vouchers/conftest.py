import pytest

from tests.factories import keep_seeded_batch_current


@pytest.fixture(autouse=True)
def _seeded_batch_covers_today(request):
    """Tests that use the seeded 2026 batch must not start failing on 2027-01-01."""
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if uses_db:
        request.getfixturevalue("_django_db_helper")
        keep_seeded_batch_current()
