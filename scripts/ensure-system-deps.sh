#!/usr/bin/env bash
# Makes sure the Debian packages 昆区家服 needs are installed.
#
#   scripts/ensure-system-deps.sh          what `make setup` / `make run` need
#   scripts/ensure-system-deps.sh --test   the same, plus Chromium for the e2e tests
#
# When everything is present it only runs `dpkg-query`, so it costs nothing.
# When something is missing: as root with apt-get it installs it (running
# `apt-get update` first); otherwise it stops and prints the command to run.
set -euo pipefail

want_test=false
for arg in "$@"; do
  case "$arg" in
    --test) want_test=true ;;
    -h | --help)
      sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "ensure-system-deps: unknown argument: $arg (use --test or nothing)" >&2
      exit 2
      ;;
  esac
done

# package  why
packages=(
  "gettext                 msgfmt, for manage.py compilemessages"
  "libpango-1.0-0          WeasyPrint (PDF notices)"
  "libpangoft2-1.0-0       WeasyPrint (PDF notices)"
  "libharfbuzz-subset0     WeasyPrint font subsetting (without it PDFs are 10-50x slower, silently)"
  "fonts-wqy-microhei      Chinese font for PDFs and pages"
  "fonts-hanazono          rare characters in PDFs (CJK Extension A/B: 䶮 𠮷), else boxes"
  "poppler-utils           pdftotext/pdffonts for the PDF tests, pdftoppm to look at notices"
  "postgresql-client       pg_dump/pg_restore for make backup/restore and the restore test"
)
if $want_test; then
  packages+=("chromium                browser for the Playwright e2e tests (/usr/bin/chromium)")
fi

# Python 3.11 with a working `venv` (Debian splits ensurepip into python3.11-venv).
PYTHON=${PYTHON:-python3.11}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  if [ "$PYTHON" = python3.11 ]; then
    packages+=("python3.11              the project's Python" "python3.11-venv         python3.11 -m venv")
  else
    echo "ensure-system-deps: PYTHON=$PYTHON is not on PATH." >&2
    exit 1
  fi
elif ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  if [ "$(command -v "$PYTHON")" = /usr/bin/python3.11 ]; then
    packages+=("python3.11-venv         python3.11 -m venv (ensurepip)")
  else
    echo "ensure-system-deps: $PYTHON cannot create virtual environments (no ensurepip/venv)." >&2
    exit 1
  fi
fi

is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "ensure-system-deps: this is not a Debian system (no dpkg-query)." >&2
  echo "Install by hand: ${packages[*]%% *}" >&2
  exit 1
fi

missing=()
for entry in "${packages[@]}"; do
  name=${entry%% *}
  if ! is_installed "$name"; then
    missing+=("$name")
    echo "ensure-system-deps: missing $name — ${entry#"$name"}" | tr -s ' '
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

install_cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  {
    echo ""
    echo "ensure-system-deps: cannot install ${missing[*]} (needs root and apt-get)."
    echo "Run as root:"
    echo "  $install_cmd"
    echo "缺少系统软件包：${missing[*]}。请以 root 身份执行上面的命令后重试。"
  } >&2
  exit 1
fi

echo "ensure-system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq || ! apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  echo "ensure-system-deps: apt-get could not install ${missing[*]}; try by hand:" >&2
  echo "  $install_cmd" >&2
  exit 1
fi

# Fail loudly if apt-get did not leave them installed.
still=()
for name in "${missing[@]}"; do
  is_installed "$name" || still+=("$name")
done
if [ ${#still[@]} -gt 0 ]; then
  echo "ensure-system-deps: still missing after apt-get: ${still[*]}" >&2
  exit 1
fi
echo "ensure-system-deps: installed ${missing[*]}"
