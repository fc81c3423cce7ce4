"""``check --format junit``: one testcase per checked KPI (Jenkins xUnit junit-10.xsd).

A failed KPI is a ``<failure>``, an unavailable one an ``<error>``; a warning
is a failure only with ``--strict``, else a passing case that says so in
``<system-out>``. ElementTree escapes every text and attribute; control
characters, which XML 1.0 cannot hold at all, are escaped first (``xml_text``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from crmkpi.engine import Report
from crmkpi.render.check import checked, verdict_line
from crmkpi.render.safe_text import xml_text


def render_junit(report: Report, *, strict: bool = False) -> str:
    rows = checked(report)
    failing = {"fail", "warn"} if strict else {"fail"}
    suite = ET.Element(
        "testsuite",
        name=f"crmkpi {xml_text(report.title)}",
        tests=str(len(rows)),
        failures=str(sum(v.status in failing for _, v in rows)),
        errors=str(sum(v.status == "error" for _, v in rows)),
        skipped="0",
        timestamp=report.as_of.isoformat(),
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (("period", report.period.label), ("as_of", report.as_of.isoformat())):
        ET.SubElement(properties, "property", name=name, value=value)
    for r, v in rows:
        case = ET.SubElement(
            suite, "testcase", name=r.spec.id, classname=f"crmkpi.{report.period.label}"
        )
        message = xml_text(verdict_line(r, v, report.currency))
        if v.status in failing:
            ET.SubElement(case, "failure", type=str(v.status), message=message).text = message
        elif v.status == "error":
            ET.SubElement(case, "error", type="unavailable", message=message).text = message
        else:
            ET.SubElement(case, "system-out").text = message
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
