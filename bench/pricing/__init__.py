"""The cost model's parts: what the templates hold that is billable, the price table and the usage profiles."""
