"""Each outbox email keeps the message it will send, built once when it is queued.

Delivery sent each email by building it again from its columns; now the row holds the bytes
that go over the wire (`notifications.message`). Emails queued before this keep none, and are
built from their columns when they are sent, as before: nothing to fill in here.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("message")
