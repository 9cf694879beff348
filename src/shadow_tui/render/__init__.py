"""Renderers that turn stored session data into Rich objects.

The modules here are part of the core, so they import Rich and Pygments but
never Textual: the app, the `show` command and the HTML export share them.
"""
