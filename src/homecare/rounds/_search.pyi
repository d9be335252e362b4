from typing import Any

def solve(
    data: dict[str, Any],
    time_limit: float,
    max_iterations: int,
    seed: int,
    threads: int,
    warm_routes: list[list[int]],
) -> dict[str, Any]: ...
