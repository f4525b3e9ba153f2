"""The pages of the person's own space (`/mon-espace/`, its own sign-in realm) and, on the
professional side, the management of a person's space from their page."""
