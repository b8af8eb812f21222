"""Serve the console with waitress (a production WSGI server): `make console` / `make run`."""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the staff console (CONSOLE_HOST:CONSOLE_PORT, default 127.0.0.1:8090)."

    def add_arguments(self, parser):  # noqa: ANN001
        parser.add_argument("--host", default=settings.CONSOLE_HOST)
        parser.add_argument("--port", type=int, default=settings.CONSOLE_PORT)
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003
        import os

        from waitress import serve

        os.umask(0o077)  # the console's database, secret key and logs are private to this user

        from django.core.management import call_command

        from clinicconsole.wsgi import application

        (settings.VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
        call_command("migrate", verbosity=0)  # a new or moved CONSOLE_DB is ready before the first request
        self.stdout.write(f"Staff console on http://{opts['host']}:{opts['port']}/", ending="\n")
        self.stdout.flush()
        serve(application, host=opts["host"], port=opts["port"], threads=opts["threads"], ident="console",
              clear_untrusted_proxy_headers=True)
