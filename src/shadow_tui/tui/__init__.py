"""The Textual browser. Only this package imports Textual; the core never does."""
