"""Outreach: health-education workshops and community programmes, registration, attendance, surveys."""
