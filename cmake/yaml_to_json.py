"""Converts the OpenAPI document from YAML to compact JSON (run by the build)."""
import json
import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as src:
    document = yaml.safe_load(src)
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(document, out, separators=(",", ":"), ensure_ascii=False, default=str)
