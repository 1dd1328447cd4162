"""Helpers shared by the sign-in services: new accounts and names."""

import secrets

from chinhquyen.directory.models import User


def username_new(prefix: str) -> str:
    """A fresh username that says nothing about the person (personal IDs never become usernames)."""
    while True:
        username = f"{prefix}-{secrets.token_hex(6)}"
        if not User.objects.filter(username=username).exists():
            return username


def user_names_set(user: User, *, name: str, organisation: bool = False) -> None:
    """Vietnamese names put the given name last: "Nguyễn Văn An" -> last "Nguyễn Văn", first "An"."""
    if organisation:
        user.first_name, user.last_name = "", name[:150]
        return
    *family, given = name.split() or [""]
    user.first_name, user.last_name = given[:150], " ".join(family)[:150]
