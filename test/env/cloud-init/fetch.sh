#!/usr/bin/env bash
# fetch.sh - Debian's cloud-init package's own code, for the tests that hand it what wd writes for a guest: the
# package is unpacked (never installed: installed, it would run at this machine's next boot) into $CI_DIR (default
# .work/cloud-init), and the Python modules it depends on are installed from Debian. Prints the directory to put on
# PYTHONPATH.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CI_DIR=${CI_DIR:-$HERE/../../../.work/cloud-init}
mkdir -p "$CI_DIR"; CI_DIR="$(cd "$CI_DIR" && pwd)"
DEPS=(python3-configobj python3-jinja2 python3-jsonpatch python3-jsonschema python3-netifaces python3-oauthlib
  python3-requests python3-serial python3-yaml)
missing=()
for p in "${DEPS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
  --no-install-recommends "${missing[@]}" >&2
if [ ! -d "$CI_DIR/root/usr/lib/python3/dist-packages/cloudinit" ]; then
  (cd "$CI_DIR" && rm -f cloud-init_*.deb && apt-get download cloud-init >/dev/null 2>&1)
  rm -rf "$CI_DIR/root" && dpkg-deb -x "$CI_DIR"/cloud-init_*.deb "$CI_DIR/root"
fi
echo "$CI_DIR/root/usr/lib/python3/dist-packages"
