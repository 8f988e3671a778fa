"""Alembic environment: `casework init` hands over an open connection."""

from alembic import context
from sqlalchemy import create_engine

from casework.migrations import made_on
from casework.models import SQLModel

target_metadata = SQLModel.metadata


def render_item(type_, obj, autogen_context):
    """Write sqlmodel's column types as plain SQLAlchemy ones, so new migrations import."""
    if type_ == "type":
        name = type(obj).__name__
        if name == "AutoString":
            return f"sa.String(length={obj.length!r})" if obj.length else "sa.String()"
        if name == "UTCDateTime":
            return "sa.DateTime(timezone=True)"
    return False


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, render_item=render_item,
                      include_object=made_on(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:  # `alembic` run by hand with sqlalchemy.url set
    with create_engine(context.config.get_main_option("sqlalchemy.url")).begin() as conn:
        run(conn)
