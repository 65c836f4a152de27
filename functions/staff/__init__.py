"""Staff: members and roles, the shift roster and coverage rules, leave and PTO, the roster solver."""
