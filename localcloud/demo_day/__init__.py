"""`practice demo`: a day in the demo practice, lived over HTTP on the local cloud (script.py tells it in order)."""
