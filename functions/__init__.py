"""PracticeFlow Lambda code: one package per area, shared building blocks in core."""

# Before anything imports Powertools: its event_handler and data_classes packages then load only the parts a
# function uses (core/lazy_packages.py), whichever area module is imported first.
from functions.core import lazy_packages  # noqa: E402, F401
