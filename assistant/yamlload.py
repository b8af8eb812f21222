"""YAML parsing for the large data files: libyaml's safe loader when PyYAML was built with it.

The training files (data/nlu, data/risk: tens of thousands of lines) take about 10 s to parse
with the pure-Python loader and a quarter of a second with libyaml; both give the same data.
"""

from __future__ import annotations

from typing import Any

import yaml

LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """``yaml.safe_load(text)``, fast."""
    return yaml.load(text, Loader=LOADER)
