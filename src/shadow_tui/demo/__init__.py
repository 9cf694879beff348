"""A deterministic demo database: realistic sessions for trying the app, screenshots and tests."""

from shadow_tui.demo.generator import BATCH_TASKS, DemoSummary, write_demo_database

__all__ = ["BATCH_TASKS", "DemoSummary", "write_demo_database"]
