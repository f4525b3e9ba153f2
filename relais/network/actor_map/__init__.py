"""Actor map (cartographie des acteurs, A3 / 1.5–1.6): the organisations of a territory and
their ties — partnerships declared by their managers, and the referral flows observed
between them over a period (volume, acceptance rate, median answer delay).

- `territory`: the territory asked for (a département or communes).
- `graph`: the map as data (organisations, flows, partnerships) and its labels.
- `flows`: building the map from the database (flows aggregated in SQL, partnerships).
- `diagram`: the layout and the server-rendered SVG.
- `exports`: the CSV and SVG downloads.

Aggregated only: no person appears, so any member may read it, and nothing is journaled.
"""
