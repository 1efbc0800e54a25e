"""SARIF 2.1.0: each claim the gate rejects becomes a result at its line and column in the article,
so code-scanning UIs annotate the source. Other verdicts are left out: SARIF lists problems."""

from __future__ import annotations

from typing import Any

from factcheck.gate import GatePolicy, claim_fingerprint
from factcheck.report.locate import region
from factcheck.serialize import dumps
from factcheck.types import Label, Report, Verdict

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
RULES = {
    Label.REFUTED: ("refuted-claim", "The corpus contradicts this claim.", "error"),
    Label.NOT_ENOUGH_INFO: ("unsupported-claim", "The corpus does not support this claim.", "warning"),
}


def render_sarif(report: Report, policy: GatePolicy) -> str:
    rules = [
        {
            "id": rule_id,
            "name": rule_id.replace("-", " "),
            "shortDescription": {"text": text},
            "defaultConfiguration": {"level": level},
        }
        for rule_id, text, level in RULES.values()
    ]
    results = [_result(v) for v in report.verdicts() if policy.fails(v) and v.label in RULES]
    sarif: dict[str, Any] = {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": {"name": "factcheck", "version": report.manifest.tool_version, "rules": rules}},
                # Claim columns count Unicode code points, not UTF-16 units.
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {"index_id": report.manifest.index_id, "verifier": report.manifest.verifier},
            }
        ],
    }
    return dumps(sarif)


def _result(v: Verdict) -> dict[str, Any]:
    rule_id, _, level = RULES[v.label]
    r = region(v.claim)
    ev = v.evidence[0] if v.evidence else None
    message = f"{v.label.value} ({v.confidence:.2f}): {v.claim.text} — {v.reason}"
    if ev:
        message += f". Evidence ({ev.doc_id}): {ev.sentence}"
    return {
        "ruleId": rule_id,
        "level": level,
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": v.claim.doc_id},
                    "region": {
                        "startLine": r.start_line,
                        "startColumn": r.start_column,
                        "endLine": r.end_line,
                        "endColumn": r.end_column,
                        "charOffset": v.claim.start,
                        "charLength": v.claim.end - v.claim.start,
                    },
                }
            }
        ],
        "partialFingerprints": {"factcheckClaim/v1": claim_fingerprint(v)},
        "properties": {"confidence": v.confidence, "label": v.label.value, "claim_id": v.claim.id},
    }
