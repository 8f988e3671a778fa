"""The outbox (an email is a row before it is a message) and the board"s contacts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("board_contact",
    sa.Column("role", sa.String(length=30), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=True),
    sa.Column("email", sa.String(length=320), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("role")
    )
    op.create_table("outbox",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("key", sa.String(length=200), nullable=False),
    sa.Column("kind", sa.String(length=30), nullable=False),
    sa.Column("case_id", sa.Integer(), nullable=True),
    sa.Column("deadline_id", sa.Integer(), nullable=True),
    sa.Column("sender", sa.String(length=320), nullable=False),
    sa.Column("recipients", sa.String(), nullable=False),
    sa.Column("cc", sa.String(), nullable=True),
    sa.Column("reply_to", sa.String(length=320), nullable=True),
    sa.Column("subject", sa.String(length=500), nullable=False),
    sa.Column("text_body", sa.String(), nullable=False),
    sa.Column("html_body", sa.String(), nullable=True),
    sa.Column("attachments", sa.JSON(), nullable=False),
    sa.Column("status", sa.String(length=20), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("first_attempt_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_error", sa.String(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["case_id"], ["case_record.id"], ),
    sa.ForeignKeyConstraint(["deadline_id"], ["deadline.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("key")
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_outbox_status_next", ["status", "next_attempt_at"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_next")
        batch_op.drop_index(batch_op.f("ix_outbox_case_id"))

    op.drop_table("outbox")
    op.drop_table("board_contact")
