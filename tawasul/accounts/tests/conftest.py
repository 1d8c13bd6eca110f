import pytest

from tawasul.accounts.roles import Role
from tawasul.common.testing import make_user


@pytest.fixture
def bare_manager(world):
    """A case manager who has not set up an authenticator app yet."""
    return make_user("bare_manager", world.protection, Role.CASE_MANAGER, two_factor=False)


@pytest.fixture
def site_admin(world):
    """The foundation administrator with the Django admin flags the services derive."""
    admin = world.admin
    type(admin).objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    admin.refresh_from_db()
    return admin
