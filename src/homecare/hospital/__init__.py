"""Hospital stays: visits suspended on admission, resumed or reviewed on discharge."""
