#!/usr/bin/env bash
# Everything wd's tests use, from Debian's packages and the npm registry. Idempotent; run as root (or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
# libvirt's own RNG schema and its validator: every domain XML wd emits in the tests is checked with it;
# Chromium: the HTML wd writes is opened in a real headless browser (playwright-core drives it, downloads none);
# systemd for systemd-analyze, which checks the unit in deploy/systemd; rsyslog, the syslog daemon the syslog sink is
# tested against (started by test/env/syslog/rsyslog.sh on a socket of its own, never as the system's)
# rabbitmq-server and python3-oslo.messaging: the bus the bark notifications are tested on (test/env/rabbitmq starts a
# broker of its own on 127.0.0.1, as the rabbitmq user, never the system's) and the OpenStack listener that reads them
# shellcheck and dash: the guest half (a POSIX shell script wd writes for guests) is checked by the shell's own tools;
# mmdebstrap, qemu-utils and genisoimage build the real Debian guests it is tested in (test/env/guest), and genisoimage
# the NoCloud drive a Proxmox guest gets its guest half on (as qemu-server makes it);
# python3-prometheus-client: the Prometheus project's strict OpenMetrics parser, which every OpenMetrics writer of wd
# (wd audit -f openmetrics, wd serve's /metrics) is tested with (test/helpers/openmetrics.ts); prometheus-node-exporter:
# the reader of the textfiles wd writes (run by the tests on a port and a directory of their own, never as a service);
# logrotate, which rotates the bark journal with deploy/logrotate/wd (run with a state file of the test's own);
# zsh and fish: wd completion's scripts for them are run by the shells themselves (test/cli/completion.test.ts);
# dpkg-dev (dpkg-shlibdeps), binutils (strip) and lintian: npm run package builds the .deb with Debian's own tools and
# test/package checks it with lintian; groff-base reads its man page; mmdebstrap also builds the clean root it is installed in
DEBS=(libvirt-clients libxml2-utils chromium systemd rsyslog rabbitmq-server python3-oslo.messaging shellcheck dash
  mmdebstrap qemu-utils genisoimage python3-prometheus-client prometheus-node-exporter logrotate zsh fish dpkg-dev
  binutils lintian groff-base)
missing=()
for p in "${DEBS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}"
fi
# npm ci rejects this lock file here (the registry serves Linux builds only, so other platforms' optional
# packages are missing from it); npm install with the same lock is idempotent.
npm install --no-audit --no-fund
