import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intervention.settings")
application = get_wsgi_application()

# What a web process loads at start (modules, settings, URL patterns) lives as long as the process:
# moved out of the collector's reach, a full collection no longer walks it during a request. At
# national scale the dashboard's slowest requests were those a full collection fell in (p95 twice
# the median).
gc.freeze()
