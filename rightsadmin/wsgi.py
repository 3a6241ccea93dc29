import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rightsadmin.settings")
application = get_wsgi_application()

from rightsadmin.runtime import freeze_start_up_objects, require_secret_key  # noqa: E402 (needs the settings above)

require_secret_key()
freeze_start_up_objects()
