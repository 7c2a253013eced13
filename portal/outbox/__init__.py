"""Everything that leaves the portal goes through one durable outbox.

A user action writes an `OutboxMessage` in its own transaction and returns at once; `portal
worker` sends it afterwards: events to the municipality's system (deliveries), notices to its
functional mailbox, e-mails to citizens and representatives. A broken SMTP server or receiver
therefore never fails or slows a request, and never loses what was typed. No Flask here.
"""
