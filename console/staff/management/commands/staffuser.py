"""Create or change a staff account: `make staff-user USER=ana ROLE=editor` (asks for the password).

    manage.py staffuser USERNAME --role editor|lead|admin [--password-stdin] [--unlock] [--deactivate]

There is no default password: it is typed twice (or read from stdin for
scripts) and must pass Django's password checks (12+ characters, not common,
not all digits, not like the user name). Passwords are stored as Argon2id hashes.
"""
from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from staff.models import LoginLock
from staff.roles import ROLES, ensure_groups


class Command(BaseCommand):
    help = "Create or change a staff account (roles: editor, lead, admin)."

    def add_arguments(self, parser):  # noqa: ANN001
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES) + ["admin"], help="editor, lead or admin")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
        parser.add_argument("--no-password", action="store_true", help="keep the current password")
        parser.add_argument("--unlock", action="store_true", help="clear failed sign-ins")
        parser.add_argument("--deactivate", action="store_true", help="disable the account (it can't sign in)")

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003
        ensure_groups()
        User = get_user_model()
        username = opts["username"].strip()
        if not username:
            raise CommandError("give a user name")
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            if not opts["role"]:
                raise CommandError("a new account needs --role editor, lead or admin")
            user = User(username=username, email=opts["email"])
        if opts["unlock"]:
            LoginLock.objects.filter(username=username.lower()).delete()
            self.stdout.write(f"{username}: failed sign-ins cleared")
        if opts["deactivate"]:
            user.is_active = False
            user.save()
            self.stdout.write(f"{username}: deactivated")
            return
        if opts["role"]:
            user.is_active = True
            user.is_staff = user.is_superuser = opts["role"] == "admin"
        if created or not opts["no_password"] and (opts["password_stdin"] or opts["role"] or not opts["unlock"]):
            password = self._password(opts["password_stdin"])
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                raise CommandError("password refused: " + " ".join(exc.messages))
            user.set_password(password)
        user.save()
        if opts["role"]:
            groups = [Group.objects.get(name=ROLES["lead"])] if opts["role"] == "admin" else \
                [Group.objects.get(name=ROLES[opts["role"]])]
            user.groups.set(groups)
        self.stdout.write(f"{'created' if created else 'updated'} {username}"
                          f"{' (' + opts['role'] + ')' if opts['role'] else ''}")

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("no password on stdin")
            return password
        if not sys.stdin.isatty():
            raise CommandError("type the password in a terminal, or pass --password-stdin")
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password again: ")
        if first != second:
            raise CommandError("the two passwords differ")
        return first
