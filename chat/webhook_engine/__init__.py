"""Outgoing webhooks of chat bots, with no Django inside: which addresses a webhook may reach
(address_policy), how a delivery is signed (signing), and one bounded HTTP POST to an address
already checked (http_delivery)."""
