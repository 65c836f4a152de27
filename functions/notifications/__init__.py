"""Notifications: templates, channels (email, SMS, in-app), preferences and consent, the delivery log."""
