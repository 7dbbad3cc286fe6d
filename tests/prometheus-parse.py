# SPDX-License-Identifier: GPL-2.0-or-later
# Reads a Prometheus text file with the real parser of the Prometheus Python
# client (prometheus_client.parser) and prints it in a form a shell test can
# grep: "TYPE FAMILY TYPE" per family, then "SAMPLE{LABELS} VALUE" per
# sample, labels in name order. Exits 1 when the text does not parse.
import sys

from prometheus_client.parser import text_string_to_metric_families

try:
    with open(sys.argv[1], encoding="utf-8") as f:
        families = list(text_string_to_metric_families(f.read()))
except Exception as e:  # the parser raises ValueError and others
    print("parse error: %s" % e, file=sys.stderr)
    sys.exit(1)
for family in families:
    print("TYPE %s %s" % (family.name, family.type))
    for s in family.samples:
        labels = ",".join('%s="%s"' % kv for kv in sorted(s.labels.items()))
        print("%s%s %g" % (s.name, "{%s}" % labels if labels else "", s.value))
