"""Print a second labeller's labels for a post as extraction JSON, so the shared scorer can measure
how far two people agree (see docs/extraction.md, "How far two labellers agree").

Usage: labels_json.py POST LABELS_DIR

POST is a post's `NN.txt`; its labels are `LABELS_DIR/NN.claims.txt`, read by the shared scorer's
own `load_gold` (`../shared/eval/score.py`, beside this checkout), so both sides parse alike.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

SCORER = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"


def main(post: Path, labels: Path) -> None:
    spec = importlib.util.spec_from_file_location("score", SCORER)
    if spec is None or spec.loader is None:
        sys.exit(f"labels_json.py: the shared scorer is not at {SCORER}")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    gold = score.load_gold(labels / f"{post.stem}.claims.txt")
    rows = [{"text": g["text"], "quote": g["source"], "kind": g["kind"]} for g in gold]
    print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
