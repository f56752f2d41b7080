"""Bulk positions, their title history, and reclassification requests with their events.

Every request follows `classification.workflow.TRANSITIONS` from `create` to its status: its
stored fields (assignee, pause, recommendation, decision, closing date, version) are what the
services would have left after the same events, and every approval changed the position's
title (with a title-history row), so the next request of that position starts from it."""
