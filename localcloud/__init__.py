"""The whole system on one machine: moto for AWS, handlers in-process, events and schedules dispatched."""
