"""Staff accounts from the command line (no hard-coded accounts).

    python -m channels.staff.accounts create alice --display-name "山田 花子" < password.txt
    python -m channels.staff.accounts create alice --display-name "山田 花子" --password-env ALICE_PW
    python -m channels.staff.accounts set-password alice --password-env ALICE_PW
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import sys

from channels.settings import Settings
from channels.store import staff_users
from channels.store.db import Database
from channels.store.migrate import upgrade

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
MIN_PASSWORD = 12


class AccountError(ValueError):
    """The command was given an unusable username or password."""


def read_password(env_var: str | None) -> str:
    """From the named environment variable, else the first line of standard input."""
    if env_var:
        value = os.environ.get(env_var)
        if value is None:
            raise AccountError(f"environment variable {env_var} is not set")
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if len(value) < MIN_PASSWORD:
        raise AccountError(f"password must be at least {MIN_PASSWORD} characters")
    return value


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(prog="python -m channels.staff.accounts")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="create a staff account")
    create.add_argument("username")
    create.add_argument("--display-name", required=True)
    create.add_argument("--password-env", help="read the password from this variable (default: stdin)")
    reset = sub.add_parser("set-password", help="replace a staff member's password")
    reset.add_argument("username")
    reset.add_argument("--password-env")
    args = parser.parse_args(argv)

    db = Database(Settings.from_env().database_url)
    try:
        if not USERNAME.match(args.username):
            raise AccountError("username: 2-64 characters of A-Z a-z 0-9 _ . -")
        password = read_password(args.password_env)
        upgrade(db)
        with db.session() as session:
            if args.command == "create":
                display_name = args.display_name.strip() or args.username
                staff_users.create(session, args.username, password, display_name)
                print(f"created staff account {args.username}")
            elif not staff_users.set_password(session, args.username, password):
                raise AccountError(f"no staff account {args.username}")
            else:
                print(f"password changed for {args.username}")
    except (AccountError, staff_users.AccountExists) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
