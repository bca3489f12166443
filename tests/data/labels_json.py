"""Print a second labeller's labels for a post as extraction JSON, so the shared scorer can measure
how far two people agree (see README.md, "How far two labellers agree").

Usage: labels_json.py POST LABELS_DIR

POST is a post's `NN.txt`; its labels are `LABELS_DIR/NN.claims.txt`, in the scorer's format.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

LABEL = re.compile(r"\s*(\{(\w+)\})?\s*(.*?)\s*\[(.*)\]\s*$")


def main(post: Path, labels: Path) -> None:
    rows = []
    for line in (labels / f"{post.stem}.claims.txt").read_text(encoding="utf-8").splitlines():
        match = LABEL.match(line)
        if match:
            kind = match.group(2) or "claim"
            rows.append({"text": match.group(3), "quote": match.group(4), "kind": kind})
    print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
