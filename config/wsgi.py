import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
application = get_wsgi_application()

# The objects loaded at start-up (Django, the apps, the URL and template machinery) live as
# long as the process: moved out of the collector's reach, they are no longer traversed at
# every full collection — the pauses that made the slowest requests slow (docs/performance.md).
gc.freeze()
