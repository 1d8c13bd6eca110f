import os

import pytest

from tawasul.common.testing import World

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db: None) -> World:
    from tawasul.common.testing import world as build

    return build()
