"""The indicators of the modules present today; importing this package registers them."""

from relais.reporting.indicators import activity, coordination, distance, outcomes  # noqa: F401
