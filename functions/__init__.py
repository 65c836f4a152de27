"""PracticeFlow Lambda code: one package per area, shared building blocks in core."""
