import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rightsadmin.settings")
application = get_asgi_application()

from rightsadmin.runtime import require_secret_key  # noqa: E402 (needs the settings above)

require_secret_key()
