"""Pages of the inspections area outside the admin: one module a concept."""
