"""Reviews of packages and the outcome ratings people give at them."""
