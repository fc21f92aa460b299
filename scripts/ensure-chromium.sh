#!/usr/bin/env bash
# Makes sure Debian's chromium is installed at /usr/bin/chromium, with a CJK font so the DingTalk page's
# Chinese text renders (the demo's browser test drives it with playwright-core; no browser is ever
# downloaded by playwright). Installs what is missing with apt-get (apt-get update once first).
set -euo pipefail
BIN=/usr/bin/chromium
need=()
[ -x "$BIN" ] || need+=(chromium)
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; then
  need+=(fonts-wqy-microhei)
fi
[ "${#need[@]}" -eq 0 ] && exit 0
fail() {
  echo "ensure-chromium: $1; install them yourself: apt-get update && apt-get install -y ${need[*]}" >&2
  exit 1
}
command -v apt-get >/dev/null 2>&1 || fail "${need[*]} missing and apt-get is not available"
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "${need[*]} missing and not running as root"
  SUDO=(sudo -n)
fi
echo "ensure-chromium: installing ${need[*]} from Debian…" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >&2 || fail 'apt-get update failed'
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 || fail 'apt-get install failed'
[ -x "$BIN" ] || fail "chromium was installed but $BIN does not exist"
echo "ensure-chromium: $("$BIN" --version 2>/dev/null || echo chromium) ready" >&2
