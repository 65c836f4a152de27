"""Operations: the watcher that finds parked failures and jobs that stopped running, for one alarm each."""
