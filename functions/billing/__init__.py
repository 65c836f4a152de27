"""Billing: fee schedule, charges, claims (X12 837P), clearinghouse, remittance (835), denials, invoices, payments."""
