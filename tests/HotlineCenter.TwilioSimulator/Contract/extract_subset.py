#!/usr/bin/env python3
"""Reduces Twilio's published OpenAPI description of API v2010 to the operations HotlineCenter uses.

Usage (from the repository root, with a clone or mirror of https://github.com/twilio/twilio-oai):

    git -C <twilio-oai> show <commit>:spec/json/twilio_api_v2010.json > /tmp/twilio_api_v2010.json
    python3 tests/HotlineCenter.TwilioSimulator/Contract/extract_subset.py /tmp/twilio_api_v2010.json <commit> \
        > tests/HotlineCenter.TwilioSimulator/Contract/twilio_api_v2010.subset.json

Only data is kept (paths, methods, parameter names and schemas, enums, required fields, success statuses);
descriptions and examples are dropped. $refs to enum schemas are resolved inline. The few value lists the
description leaves to Twilio's prose documentation are added under "documented" and named as such, so what
comes from the spec and what does not stay apart.
"""
import json
import sys

# The operations the app calls (operationId), and nothing else.
USED = [
    "CreateCall", "FetchCall", "UpdateCall", "CreateCallRecording",
    "ListConference", "UpdateConference",
    "CreateParticipant", "FetchParticipant", "UpdateParticipant", "DeleteParticipant",
    "ListRecording", "FetchRecording", "DeleteRecording",
]

# Values Twilio documents in prose (docs pages for Call and Participant resources) but not in the schema.
DOCUMENTED = {
    "CreateCall": {"StatusCallbackEvent": ["initiated", "ringing", "answered", "completed"]},
    "CreateParticipant": {
        "StatusCallbackEvent": ["initiated", "ringing", "answered", "completed"],
        "ConferenceStatusCallbackEvent": ["start", "end", "join", "leave", "mute", "hold", "modify", "speaker", "announcement"],
    },
}

KEPT = ("type", "format", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "items")


def resolve(spec, schema):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return resolve(spec, spec["components"]["schemas"][name])
    out = {k: v for k, v in schema.items() if k in KEPT}
    if "items" in out:
        out["items"] = resolve(spec, out["items"])
    return out


def main(path, commit):
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    operations = []
    for template, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or op.get("operationId") not in USED:
                continue
            entry = {"operationId": op["operationId"], "method": method.upper(), "path": template}
            params = op.get("parameters", [])
            entry["pathParameters"] = {p["name"]: resolve(spec, p["schema"]) for p in params if p["in"] == "path"}
            entry["queryParameters"] = {p["name"]: resolve(spec, p["schema"]) for p in params if p["in"] == "query"}
            body = op.get("requestBody", {}).get("content", {}).get("application/x-www-form-urlencoded", {}).get("schema")
            entry["formParameters"] = {k: resolve(spec, v) for k, v in body["properties"].items()} if body else {}
            entry["required"] = body.get("required", []) if body else []
            entry["successStatus"] = sorted(int(s) for s in op["responses"] if s.startswith("2"))
            if op["operationId"] in DOCUMENTED:
                entry["documented"] = DOCUMENTED[op["operationId"]]
            operations.append(entry)
    missing = sorted(set(USED) - {o["operationId"] for o in operations})
    if missing:
        sys.exit(f"operations not found in the spec: {missing}")
    operations.sort(key=lambda o: USED.index(o["operationId"]))
    json.dump({
        "source": {
            "repository": "https://github.com/twilio/twilio-oai",
            "path": "spec/json/twilio_api_v2010.json",
            "commit": commit,
            "license": "MIT (the repository's LICENSE file, Copyright (C) 2023, Twilio, Inc.)",
            "generatedBy": "tests/HotlineCenter.TwilioSimulator/Contract/extract_subset.py",
        },
        "operations": operations,
    }, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
