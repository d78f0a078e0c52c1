#!/usr/bin/env bash
# npm run bench: installs what the bench needs from Debian when missing (wrk, nginx-light, haproxy, redis-server),
# builds factorgate, then runs the bench (bench/main.ts). Arguments go to bench/main.ts:
#   npm run bench -- --quick | --only passthrough,logins,waiting,waiting_redis,push | --profile
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || missing+=(nginx-light)
[ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v taskset >/dev/null || missing+=(util-linux)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]} from Debian" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # The packages must not start nginx or HAProxy as a system service: the bench starts its own, on loopback.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -d node_modules ] || npm ci
npm run --silent build
node --import tsx bench/main.ts "$@"
