#!/usr/bin/env python3
"""Compares CloudFormation templates synthesized by the consumer apps of each language.

    compare_templates.py REFERENCE_LABEL=REFERENCE.json LABEL=OTHER.json [LABEL=OTHER.json ...]

Each template is normalised, then compared with the reference. Normalising removes only what
must differ between languages, or between two runs:

- resources of type AWS::CDK::Metadata (their `Analytics` value encodes the jsii runtime and
  language of the app) and the `CDKMetadataAvailable` condition that goes with them;
- the `aws:cdk:path` entry of each resource's Metadata (a Metadata left empty is removed);
- asset hashes: every run of 64 lowercase hex digits becomes `<hash>`.

Everything else, every property of every resource, must be equal. On a mismatch the unified diff
of the normalised templates is printed and the exit status is 1.
"""
import difflib
import json
import re
import sys
from typing import Any

HASH = re.compile(r"[0-9a-f]{64}")


def mask(value: Any) -> Any:
    if isinstance(value, str):
        return HASH.sub("<hash>", value)
    if isinstance(value, list):
        return [mask(v) for v in value]
    if isinstance(value, dict):
        return {mask(k): mask(v) for k, v in value.items()}
    return value


def normalise(template: dict[str, Any]) -> dict[str, Any]:
    resources = {
        logical_id: resource
        for logical_id, resource in template.get("Resources", {}).items()
        if resource.get("Type") != "AWS::CDK::Metadata"
    }
    for resource in resources.values():
        metadata = resource.get("Metadata")
        if isinstance(metadata, dict):
            metadata.pop("aws:cdk:path", None)
            if not metadata:
                del resource["Metadata"]
    out = dict(template, Resources=resources)
    conditions = {k: v for k, v in template.get("Conditions", {}).items() if k != "CDKMetadataAvailable"}
    if conditions:
        out["Conditions"] = conditions
    else:
        out.pop("Conditions", None)
    return mask(out)


def render(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        template = json.load(f)
    return json.dumps(normalise(template), indent=1, sort_keys=True).splitlines(keepends=True)


def main(args: list[str]) -> int:
    if len(args) < 2 or any("=" not in a for a in args):
        print(__doc__, file=sys.stderr)
        return 2
    pairs = [a.split("=", 1) for a in args]
    ref_label, ref_path = pairs[0]
    reference = render(ref_path)
    resources = len(json.loads("".join(reference))["Resources"])
    failed = 0
    for label, path in pairs[1:]:
        other = render(path)
        if other == reference:
            print(f"same template: {label} = {ref_label} ({resources} resources after normalising)")
            continue
        failed += 1
        print(f"DIFFERENT template: {label} != {ref_label}")
        sys.stdout.writelines(difflib.unified_diff(reference, other, f"{ref_label}: {ref_path}", f"{label}: {path}"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
