"""Compliance: audit-trail checks now; licences, training and policy checks to come."""
