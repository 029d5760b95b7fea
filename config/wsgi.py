"""
WSGI config for config project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# gunicorn preloads this module in its master and forks workers from it (deploy/gunicorn.conf.py):
# whatever the warm-up loads is there before the first request of every worker.
from config.warmup import warm_up  # noqa: E402  (needs the settings configured above)

warm_up()
