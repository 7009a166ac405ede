"""E-mail to partners: the private edit link, decisions, lost-link recovery and the yearly
"is this still correct?".

Layer: like ``mapview`` and ``fairkit`` (imports ``geodata`` and ``catalogue`` only; the ui
and ``app.py`` call it). Every message goes through a durable file queue
(:mod:`mail.queue`) with an idempotency key per event; a sender thread in the app and
``python -m mail send`` deliver it by SMTP (:mod:`mail.transport`) or, with no SMTP
configured, as ``.eml`` files in the outbox folder (:mod:`mail.config`).
"""
