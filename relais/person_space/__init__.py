"""The accompanied person's own space: a separate sign-in realm (``signin.py``), what the
person reads of their record (``selectors.py``) and what they do there (``services.py``,
``cosign.py``). Professionals manage who has access from the person's page."""
