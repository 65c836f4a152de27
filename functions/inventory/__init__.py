"""Inventory: the supplies catalogue, the stock ledger, counts, low stock and expiry, purchase orders."""
