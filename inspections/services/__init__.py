"""Writes of inspections: one module a concept, one function a verb.

- templates: checklist templates, their items and versions (template_new_version …)
- rounds: the annual round, made and planned (round_create, round_plan)
- assignment: the two inspectors of each inspection (inspectors_assign)
- consequences: what follows a concluded inspection
"""
