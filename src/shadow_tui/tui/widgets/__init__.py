"""Widgets of the browser: the task list, the query and find bars, and the virtualised line and message views."""
