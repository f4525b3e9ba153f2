"""The indicators of the modules present today; importing this package registers them."""

from relais.reporting.indicators import (  # noqa: F401
    activity,
    coordination,
    distance,
    employment,
    outcomes,
)
