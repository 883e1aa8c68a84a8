#!/usr/bin/env bash
# nginx for `make serve` and the load tests: Debian's package when we are root on Debian/Ubuntu
# (as `make browser` installs Chromium). The tests fail (never skip) when there is none.
set -euo pipefail
if found=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null); then
    echo "nginx: $found"
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "nginx is not installed: install your system's nginx package (Debian: apt-get install nginx)" >&2
    exit 1
fi
# Debian's package starts a system nginx on port 80 once installed; `make serve` runs its own.
# Where no policy says otherwise, a policy-rc.d that refuses keeps that one from starting.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
echo "nginx: $(command -v nginx || echo /usr/sbin/nginx)"
