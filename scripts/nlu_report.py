"""Print the held-out NLU evaluation: accuracy, weakest intents, confusions.

    python scripts/nlu_report.py var/results/nlu [--min-accuracy 0.95]

Reads the files `rasa test nlu` writes (intent_report.json, intent_errors.json)
and exits 1 when accuracy is below the minimum.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("results", type=Path)
    parser.add_argument("--min-accuracy", type=float, default=0.95)
    args = parser.parse_args()
    report = json.loads((args.results / "intent_report.json").read_text())
    errors_file = args.results / "intent_errors.json"
    errors = json.loads(errors_file.read_text()) if errors_file.exists() else []
    accuracy = report["accuracy"]
    n = int(report["weighted avg"]["support"])
    print(f"intent accuracy: {accuracy:.3f} on {n} messages "
          f"(macro F1 {report['macro avg']['f1-score']:.3f}, weighted F1 {report['weighted avg']['f1-score']:.3f})")
    weak = sorted(
        ((k, v) for k, v in report.items() if isinstance(v, dict) and "f1-score" in v and k not in
         ("macro avg", "weighted avg", "micro avg")),
        key=lambda kv: kv[1]["f1-score"],
    )[:8]
    print("weakest intents (F1): " + ", ".join(f"{k} {v['f1-score']:.2f}" for k, v in weak))
    pairs = Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors)
    if pairs:
        print("confusions (true -> predicted: count):")
        for (true, pred), count in pairs.most_common():
            print(f"  {true} -> {pred}: {count}")
    else:
        print("confusions: none")
    if accuracy < args.min_accuracy:
        print(f"FAIL: accuracy {accuracy:.3f} is below {args.min_accuracy:.2f}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
