"""Store queries: user accounts (issue 13).

SQL only. The store never hashes or checks a password: it keeps the hash it is
given (made by :mod:`kpi_core.access`) and counts failed sign-ins. Every change
an administrator makes to an account (added, role, unit, approver, disabled,
password) appends a row to ``change_log`` (entity ``user``): who did it, when,
old and new value; a password change logs that it happened, never a hash.
Failed and successful sign-ins only update the counters of the account.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

#: Columns of :meth:`UserQueries.users` (never the password hash).
USER_COLUMNS = (
    "name",
    "display",
    "role",
    "unit_id",
    "email",
    "approver",
    "disabled",
    "created_at",
    "failed_logins",
    "last_failed_at",
)
_SELECT = "SELECT " + ", ".join(USER_COLUMNS) + ", password_hash IS NOT NULL AS has_password FROM users"


#: One fixed statement per account field an update may change (no SQL is
#: built from a field name).
_UPDATE_FIELD = {
    "role": "UPDATE users SET role = ? WHERE name = ?",
    "unit_id": "UPDATE users SET unit_id = ? WHERE name = ?",
    "display": "UPDATE users SET display = ? WHERE name = ?",
    "email": "UPDATE users SET email = ? WHERE name = ?",
    "approver": "UPDATE users SET approver = ? WHERE name = ?",
    "disabled": "UPDATE users SET disabled = ? WHERE name = ?",
}


class UserQueries:
    """Mixed into :class:`kpi_core.store.Store`."""

    def users(self) -> pd.DataFrame:
        """Every account, by name: the columns of :data:`USER_COLUMNS` and
        ``has_password``; never the hash."""
        return self.cursor().execute(_SELECT + " ORDER BY name").df()

    def user_count(self, *, role: str | None = None, enabled_only: bool = False) -> int:
        """How many accounts there are (of one role; only enabled ones)."""
        return int(
            self.cursor()
            .execute(
                "SELECT count(*) FROM users WHERE (?::VARCHAR IS NULL OR role = ?) AND (NOT ? OR NOT disabled)",
                [role, role, enabled_only],
            )
            .fetchone()[0]
        )

    def user(self, name: str) -> dict | None:
        """One account with its password hash (for signing in), or None."""
        cur = self.cursor()
        row = cur.execute(
            "SELECT " + ", ".join(USER_COLUMNS) + ", password_hash FROM users WHERE name = ?", [name]
        ).fetchone()
        if row is None:
            return None
        return dict(zip([*USER_COLUMNS, "password_hash"], row, strict=True))

    def add_user(
        self,
        name: str,
        *,
        role: str,
        by: str,
        unit_id: str | None = None,
        display: str | None = None,
        email: str | None = None,
        password_hash: str | None = None,
        approver: bool = False,
        at: datetime | None = None,
    ) -> bool:
        """Create an account; False (and nothing written) when the name is taken."""
        at = at or datetime.now()
        with self.transaction() as cur:
            if cur.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchone()[0]:
                return False
            cur.execute(
                """INSERT INTO users (name, display, role, unit_id, email, password_hash, approver, disabled, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, FALSE, ?)""",
                [name, display, role, unit_id, email, password_hash, approver, at],
            )
            fields = {"role": role, "unit_id": unit_id, "display": display, "email": email, "approver": approver}
            self._log_user(cur, at, by, name, [(f, None, v) for f, v in fields.items() if v not in (None, "")])
        return True

    def update_user(
        self,
        name: str,
        *,
        by: str,
        at: datetime | None = None,
        **changes: object,
    ) -> bool:
        """Change fields of an account (``role``, ``unit_id``, ``display``,
        ``email``, ``approver``, ``disabled``); False when there is no such
        account. Only fields whose value differs are written and logged."""
        allowed = set(_UPDATE_FIELD)
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"not a field of an account: {', '.join(sorted(unknown))}")
        at = at or datetime.now()
        with self.transaction() as cur:
            row = cur.execute("SELECT " + ", ".join(sorted(allowed)) + " FROM users WHERE name = ?", [name]).fetchone()
            if row is None:
                return False
            old = dict(zip(sorted(allowed), row, strict=True))
            moved = [(f, old[f], v) for f, v in changes.items() if old[f] != v]
            for field, _, value in moved:
                cur.execute(_UPDATE_FIELD[field], [value, name])
            self._log_user(cur, at, by, name, moved)
        return True

    def set_user_password(self, name: str, password_hash: str, *, by: str, at: datetime | None = None) -> bool:
        """Replace an account's password hash and clear its failed sign-ins
        (which also lifts a lock-out); False when there is no such account."""
        at = at or datetime.now()
        with self.transaction() as cur:
            if not cur.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchone()[0]:
                return False
            cur.execute(
                "UPDATE users SET password_hash = ?, failed_logins = 0, last_failed_at = NULL WHERE name = ?",
                [password_hash, name],
            )
            self._log_user(cur, at, by, name, [("password", None, None)])
        return True

    def record_failed_sign_in(self, name: str, at: datetime) -> int:
        """Count one failed sign-in of an account; the count after it (0: no such account)."""
        with self.transaction() as cur:
            row = cur.execute(
                """UPDATE users SET failed_logins = failed_logins + 1, last_failed_at = ?
                   WHERE name = ? RETURNING failed_logins""",
                [at, name],
            ).fetchone()
        return int(row[0]) if row else 0

    def record_sign_in(self, name: str, password_hash: str | None = None) -> None:
        """A successful sign-in: the failed count starts again from 0; a new
        hash (the same password under stronger parameters) replaces the old one."""
        with self.transaction() as cur:
            cur.execute(
                """UPDATE users SET failed_logins = 0, last_failed_at = NULL,
                          password_hash = coalesce(?, password_hash)
                   WHERE name = ?""",
                [password_hash, name],
            )

    def user_by_email(self, email: str) -> dict | None:
        """The account whose email is ``email`` (case-insensitive), or None:
        how a company sign-in (OpenID Connect) finds its account. Two
        accounts with the same email match none (never a guess)."""
        rows = (
            self.cursor()
            .execute("SELECT name FROM users WHERE lower(email) = lower(?) LIMIT 2", [email.strip()])
            .fetchall()
        )
        return self.user(rows[0][0]) if len(rows) == 1 else None

    def is_demo(self) -> bool:
        """Whether this database is the bundled demo (opened without a
        password, with a "view as" picker): set when the demo company is
        loaded into an empty database, and never otherwise."""
        row = self.cursor().execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()
        return bool(row and row[0] == "1")

    def set_demo(self, on: bool, *, by: str, at: datetime | None = None) -> None:
        """Mark (or unmark) the database as the demo, in the change log."""
        at = at or datetime.now()
        with self.transaction() as cur:
            was = self.is_demo()
            if was == on:
                return
            if on:
                cur.execute("INSERT OR REPLACE INTO meta VALUES ('demo', '1')")
            else:
                cur.execute("DELETE FROM meta WHERE key = 'demo'")
            cur.execute(
                """INSERT INTO change_log (changed_at, changed_by, entity, entity_id, field, old_value, new_value, reason)
                   VALUES (?, ?, 'settings', 'demo', 'demo', ?, ?, 'demo mode')""",
                [at, by, _text(was), _text(on)],
            )

    @staticmethod
    def _log_user(cur, at: datetime, by: str, name: str, changes: list[tuple[str, object, object]]) -> None:
        if not changes:
            return
        cur.executemany(
            """INSERT INTO change_log (changed_at, changed_by, entity, entity_id, field, old_value, new_value, reason)
               VALUES (?, ?, 'user', ?, ?, ?, ?, 'account management')""",
            [(at, by, name, f, _text(old), _text(new)) for f, old, new in changes],
        )


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
