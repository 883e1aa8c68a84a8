"""The lessons: one sub-package per page's subject, each with its setup (fields ↔ URL), its runs
and its words. ``common`` holds what they share; a lesson never imports another lesson or the
figures (imports go core ← lessons ← figures ← page scripts)."""
