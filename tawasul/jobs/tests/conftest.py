import pytest

from tawasul.jobs.tests.sample_tasks import CALLS


@pytest.fixture(autouse=True)
def _fresh_calls():
    CALLS.clear()
    yield
    CALLS.clear()
