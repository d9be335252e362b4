"""Community hours: a temporary uplift to introduce someone to a community resource."""
