"""`manage.py ensure_database`: create the PostgreSQL database DATABASE_URL names when it does not
exist yet (connecting to the server's `postgres` database to do it). Nothing to do on SQLite."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Create the configured PostgreSQL database if it is missing."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            return
        import psycopg
        from psycopg import sql

        params = connection.get_connection_params()
        name = connection.settings_dict["NAME"]
        server = {key: value for key, value in params.items() if key in ("host", "port", "user", "password")}
        try:
            with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
                if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
                    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                    self.stdout.write(f"Created the database {name}.")
        except psycopg.Error as error:
            raise CommandError(f"Cannot reach PostgreSQL to create {name}: {error}") from None
