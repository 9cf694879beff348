"""Create the six tables, their indexes and the full-text indexes.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shadow_tui.db.fulltext import fulltext_ddl
from shadow_tui.db.types import Timestamp

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _child(name: str, key: str, *columns: sa.Column) -> None:  # type: ignore[type-arg]
    op.create_table(
        name,
        sa.Column(key, sa.Text, primary_key=True),
        sa.Column(
            "task_id", sa.Text, sa.ForeignKey("tasks.task_id", ondelete="CASCADE"), nullable=False
        ),
        *columns,
        sa.Column("created_at", Timestamp(), nullable=False),
    )
    op.create_index(f"ix_{name}_task_id_created_at", name, ["task_id", "created_at"])


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("email", sa.Text, unique=True),
        sa.Column("username", sa.Text),
        sa.Column("display_name", sa.Text),
        sa.Column("created_at", Timestamp(), nullable=False),
        sa.Column("last_login_at", Timestamp()),
    )
    op.create_table(
        "tasks",
        sa.Column("task_id", sa.Text, primary_key=True),
        sa.Column(
            "user_id", sa.Text, sa.ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("repo_url", sa.Text),
        sa.Column("branch", sa.Text),
        sa.Column("model_name", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("created_at", Timestamp(), nullable=False),
        sa.Column("started_at", Timestamp()),
        sa.Column("completed_at", Timestamp()),
        sa.Column("error_message", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("source_ref", sa.Text),
        sa.Column("input_tokens", sa.Integer),
        sa.Column("output_tokens", sa.Integer),
        sa.Column("cost_usd", sa.Float),
    )
    op.create_index("ix_tasks_user_id", "tasks", ["user_id"])
    op.create_index("ix_tasks_created_at", "tasks", ["created_at"])
    op.create_index("ix_tasks_status_created_at", "tasks", ["status", "created_at"])
    op.create_index("ix_tasks_repo_url_created_at", "tasks", ["repo_url", "created_at"])
    op.create_index("ix_tasks_source_ref", "tasks", ["source", "source_ref"])

    _child(
        "chat_messages",
        "message_id",
        sa.Column("sender", sa.Text, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False, server_default="0"),
    )
    _child(
        "task_commands",
        "command_id",
        sa.Column("command_text", sa.Text, nullable=False),
        sa.Column("exit_code", sa.Integer),
        sa.Column("output", sa.Text, nullable=False),
        sa.Column("duration_seconds", sa.Float),
        sa.Column("output_search", sa.Text),
    )
    _child(
        "file_edits",
        "edit_id",
        sa.Column("file_path", sa.Text, nullable=False),
        sa.Column("diff", sa.Text, nullable=False),
    )
    _child(
        "artifacts",
        "artifact_id",
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("s3_url", sa.Text, nullable=False),
    )

    for statement in fulltext_ddl(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("the initial schema has no downgrade; delete the database instead")
