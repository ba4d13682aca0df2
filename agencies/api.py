def register(router) -> None:
    """Registered by the API helper: agencies, workers, recognitions, filings."""
