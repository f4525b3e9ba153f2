"""Factories of the network app, one module per wing: `directory`, `coordination`,
`referrals` (as in relais/network/)."""
