"""red-dwarf's Polis pipeline, run for bench/analysis.py inside red-dwarf's own virtual
environment (`.cache/bench-reddwarf/`), so the project never depends on it.

It imports nothing of this project. Requests come one JSON line at a time on stdin, answers go
one JSON line at a time on stdout (anything the libraries print goes to stderr):

    {"do": "load", "name": ..., "votes": [[participant, statement, vote, modified], ...],
     "mod_out": [statement, ...]}                      -> {"loaded": name}
    {"do": "run", "name": ..., "seed": 0}              -> {"seconds": ..., "labels": {...}}
    {"do": "cluster", "name": ..., "seed": 0}          -> {"seconds": ...}

`run` times `run_pipeline` whole (matrix, PCA, k selection, k-means, then group statistics,
consensus and representative statements) and returns each clustered participant's group;
`cluster` times only its clustering stages, the part our Polis-equivalent pipeline does.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def main() -> None:
    answer = sys.stdout
    sys.stdout = sys.stderr  # keep stdout for answers
    started = time.perf_counter()
    import pandas as pd
    from reddwarf.implementations.polis import run_pipeline
    from reddwarf.utils.clusterer.base import run_clusterer
    from reddwarf.utils.matrix import (
        generate_raw_matrix,
        get_clusterable_participant_ids,
        simple_filter_matrix,
    )
    from reddwarf.utils.reducer.base import run_reducer

    imported = time.perf_counter() - started
    conversations: dict[str, tuple[list[dict[str, int]], list[int]]] = {}

    def clustering_stages(votes: list[dict[str, int]], mod_out: list[int], seed: int) -> Any:
        """run_pipeline's first half, as it does it: matrix, PCA, who is clustered, k-means."""
        raw = generate_raw_matrix(votes=votes)
        filtered = simple_filter_matrix(vote_matrix=raw, mod_out_statement_ids=mod_out)
        placed, _, _ = run_reducer(vote_matrix=filtered.values, reducer="pca", random_state=seed)
        places = pd.DataFrame(placed, columns=pd.Index(["x", "y"]), index=filtered.index)
        clustered = get_clusterable_participant_ids(raw, vote_threshold=7)
        return run_clusterer(
            clusterer="kmeans",
            X_participants_clusterable=places.loc[clustered, :].values,
            max_group_count=5,
            random_state=seed,
        )

    def say(message: dict[str, Any]) -> None:
        answer.write(json.dumps(message) + "\n")
        answer.flush()

    say({"ready": True, "import_seconds": imported})
    for line in sys.stdin:
        request = json.loads(line)
        if request["do"] == "load":
            votes = [
                {"participant_id": p, "statement_id": s, "vote": v, "modified": m}
                for p, s, v, m in request["votes"]
            ]
            conversations[request["name"]] = (votes, request["mod_out"])
            say({"loaded": request["name"]})
        elif request["do"] == "run":
            votes, mod_out = conversations[request["name"]]
            began = time.perf_counter()
            result = run_pipeline(
                votes=votes, mod_out_statement_ids=mod_out, random_state=request["seed"]
            )
            seconds = time.perf_counter() - began
            found = result.participants_df
            labels = {
                str(p): int(found.loc[p, "cluster_id"])
                for p in found.index
                if found.loc[p, "to_cluster"]
            }
            say({"seconds": seconds, "labels": labels})
        elif request["do"] == "cluster":
            votes, mod_out = conversations[request["name"]]
            began = time.perf_counter()
            clustering_stages(votes, mod_out, request["seed"])
            say({"seconds": time.perf_counter() - began})


if __name__ == "__main__":
    main()
