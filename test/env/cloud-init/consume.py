#!/usr/bin/python3
"""consume.py VENDOR_DATA2_JSON [USER_DATA]: what cloud-init's own code (Debian's package, on PYTHONPATH) makes of an
OpenStack vendor_data2.json as Nova serves it: the datasource's `sources.convert_vendordata`, then the user-data
processor that turns the result into parts, and the schema check of every cloud-config part (and of the user's, with
USER_DATA). Prints JSON: {"vendordata": [{"type", "payload"}], "errors": [...], "schema": [...]}."""
import json
import sys
import tempfile

from cloudinit import helpers, sources, user_data, util
from cloudinit.config import schema

out = {"vendordata": [], "errors": [], "schema": []}
with open(sys.argv[1], encoding="utf-8") as f:
    vd2 = json.load(f)
paths = helpers.Paths({"cloud_dir": tempfile.mkdtemp(), "run_dir": tempfile.mkdtemp()})


def parts(raw, into):
    for part in user_data.UserDataProcessor(paths).process(raw).walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True).decode("utf-8")
        into.append({"type": part.get_content_type(), "payload": payload})
        if part.get_content_type() == "text/cloud-config":
            try:
                schema.validate_cloudconfig_schema(util.load_yaml(payload), schema.get_schema(), strict=True)
            except Exception as e:  # noqa: BLE001 - cloud-init's own words are the result
                out["schema"].append(str(e))


try:
    # what DataSourceOpenStack and DataSourceConfigDrive do with vendor_data2.json
    raw = sources.convert_vendordata(vd2)
    if raw is not None:
        parts(raw, out["vendordata"])
except Exception as e:  # noqa: BLE001
    out["errors"].append(f"{type(e).__name__}: {e}")
if len(sys.argv) > 2:
    with open(sys.argv[2], encoding="utf-8") as f:
        parts(f.read(), [])
print(json.dumps(out))
