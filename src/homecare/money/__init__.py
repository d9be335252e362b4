"""Money: what an hour of care costs, worked out line by line, and the reports' sums checked
from their own inputs."""
