"""Notifications (in-app bell and e-mail) and the users' saved list views.

``models``: the rows; ``services``: every write (agendas emit through ``services.notify`` and
``services.notify_task``; the engine itself notifies on assignment, reassignment and deadline
reminders); ``selectors``: the bell count and the lists.
"""
