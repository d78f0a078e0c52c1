#!/usr/bin/env bash
# Installs the Debian packages the tests need, only when missing (idempotent, no browser downloads:
# Playwright drives Debian's chromium). Used by `npm test` and so by CI.
set -euo pipefail

needed=()
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
command -v redis-server >/dev/null 2>&1 || needed+=(redis-server)
[ -x /usr/sbin/slapd ] || needed+=(slapd)
command -v oathtool >/dev/null 2>&1 || needed+=(oathtool)
command -v dot >/dev/null 2>&1 || needed+=(graphviz)
# PostgreSQL for the device store tests, run by them from initdb (test/helpers/postgres_server.ts).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || needed+=(postgresql)

[ ${#needed[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "missing Debian packages: ${needed[*]} (run as root or install them)" >&2; exit 1
  fi
else
  SUDO=
fi
echo "installing Debian packages: ${needed[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
