"""Webhooks: subscriptions, the transactional outbox and signed delivery."""
