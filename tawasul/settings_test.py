"""Settings for the test suite: the production settings module with test-only changes."""

from tawasul.settings import *  # noqa: F403

# Django's test flush deletes every row, which the audit triggers would refuse; the tests
# that check the triggers install them themselves (tawasul/audit/tests).
AUDIT_DB_GUARDS = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
