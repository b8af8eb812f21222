"""WSGI entry point (served by waitress: `manage.py serve`)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinicconsole.settings")
application = get_wsgi_application()
