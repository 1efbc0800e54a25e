"""JUnit XML: one test case per claim, so any CI dashboard shows claims as tests.

Claims the gate rejects are failures; NOT ENOUGH INFO under a refuted-only policy is skipped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from factcheck.gate import GatePolicy
from factcheck.types import Label, Report, Verdict


def render_junit(report: Report, policy: GatePolicy) -> str:
    suites = ET.Element("testsuites", name="factcheck")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for article in report.articles:
        suite = ET.SubElement(suites, "testsuite", name=article.path)
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for verdict in article.verdicts:
            counts["tests"] += 1
            outcome = _case(suite, article.path, verdict, policy)
            if outcome:
                counts[outcome] += 1
        for key, n in counts.items():
            suite.set(key, str(n))
            totals[key] += n
        suite.set("errors", "0")
        suite.set("time", "0")
    for key, n in totals.items():
        suites.set(key, str(n))
    suites.set("errors", "0")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + _xml_chars(ET.tostring(suites, encoding="unicode")) + "\n"


# Characters XML 1.0 forbids even escaped (control characters, lone surrogates, U+FFFE/U+FFFF): an article
# may hold them, and one of them makes the whole file unreadable to a CI dashboard.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_chars(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _case(suite: ET.Element, path: str, v: Verdict, policy: GatePolicy) -> str:
    case = ET.SubElement(
        suite, "testcase", classname=path, name=f"{v.claim.line}:{v.claim.column} {v.claim.text}", time="0"
    )
    detail = _detail(v)
    if policy.fails(v):
        failure = ET.SubElement(case, "failure", message=f"{v.label.value}: {v.reason}", type=v.label.value)
        failure.text = detail
        return "failures"
    if v.label is Label.NOT_ENOUGH_INFO:
        ET.SubElement(case, "skipped", message=f"{v.label.value}: {v.reason}")
        return "skipped"
    ET.SubElement(case, "system-out").text = detail
    return ""


def _detail(v: Verdict) -> str:
    lines = [f"{v.label.value} (confidence {v.confidence:.2f}): {v.reason}"]
    lines += [f"evidence ({e.doc_id} @{e.sentence_start}-{e.sentence_end}): {e.sentence}" for e in v.evidence]
    return "\n".join(lines)
