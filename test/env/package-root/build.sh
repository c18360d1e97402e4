#!/usr/bin/env bash
# build.sh - the clean Debian 12 root the packages are installed in by test/package: Debian's minbase and systemd
# (systemd-analyze, systemd-sysusers and systemd-tmpfiles are what read the units, the user and the tmpfiles.d file
# the .deb installs), made from Debian's packages with mmdebstrap, with no Node.js. apt's lists are kept, so that
# apt-get installs the .deb's dependencies from the host's Debian mirror. Cached as $PR/bookworm.tar (default
# .work/package-root), rebuilt when this script changes. Root is needed (mmdebstrap's root mode).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PR=${PR:-$HERE/../../../.work/package-root}
mkdir -p "$PR"; PR="$(cd "$PR" && pwd)"
[ "$(id -u)" = 0 ] || { echo "package-root/build.sh: must run as root (mmdebstrap's root mode)" >&2; exit 1; }
STAMP=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)
[ "$(cat "$PR/stamp" 2>/dev/null)" = "$STAMP" ] && [ -s "$PR/bookworm.tar" ] && exit 0
dpkg-query -W -f='${Status}' mmdebstrap 2>/dev/null | grep -q 'ok installed' ||
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends mmdebstrap >&2
# the host's Debian sources as apt has them (the mirror this machine reaches, with bookworm-updates and -security)
mapfile -t sources < <(apt-get indextargets --no-release-info --format 'deb $(REPO_URI) $(RELEASE) main' \
  'Identifier: Packages' | grep -E '/debian(-security)?/? bookworm' | sort -u)
[ ${#sources[@]} -gt 0 ] || sources=("deb http://deb.debian.org/debian bookworm main")
t0=$SECONDS
rm -f "$PR/stamp" "$PR/bookworm.tar"
mmdebstrap --variant=minbase --include=systemd --skip=cleanup/apt/lists --aptopt='Acquire::Retries "3"' \
  bookworm "$PR/part.tar" "${sources[@]}" >"$PR/build.log" 2>&1 || { tail -20 "$PR/build.log" >&2; exit 1; }
mv "$PR/part.tar" "$PR/bookworm.tar"
echo "$STAMP" >"$PR/stamp"
echo "package root: $(du -h "$PR/bookworm.tar" | cut -f1) in $((SECONDS - t0)) s" >&2
