#!/usr/bin/env bash
# Create or update the two locked environments (see README "Two environments").
#   .venv-rasa  Python 3.10: Rasa server, action server, NLU, `intake` CLI
#   .venv-gw    Python >= 3.11: FastAPI gateway, LINE, store, console, test tools
# Up to date environments cost a stamp comparison only (well under a second).
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never

find_python() {  # $1 = wanted minor ("3.10"), $2 = "exact" or "min"
  local want=$1 mode=$2 cand v
  local cands=("python$want" python3)
  if command -v pyenv >/dev/null 2>&1; then
    while read -r v; do cands+=("$(pyenv root)/versions/$v/bin/python"); done \
      < <(pyenv versions --bare 2>/dev/null | grep -E '^3\.[0-9]+\.[0-9]+$' | sort -rV)
  fi
  for cand in "${cands[@]}"; do
    command -v "$cand" >/dev/null 2>&1 || continue
    v=$("$cand" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
    if [ "$mode" = exact ] && [ "$v" = "$want" ]; then command -v "$cand"; return 0; fi
    if [ "$mode" = min ] && printf '%s\n%s\n' "$want" "$v" | sort -CV; then command -v "$cand"; return 0; fi
  done
  return 1
}

ensure_uv() {
  if command -v uv >/dev/null 2>&1; then UV=$(command -v uv); return; fi
  if [ ! -x .venv-tools/bin/uv ]; then
    echo "==> installing uv (one time, a few seconds)"
    "$PYGW" -m venv .venv-tools
    .venv-tools/bin/pip install -q "uv==0.13.9"
  fi
  UV=$PWD/.venv-tools/bin/uv
}

sync_env() {  # $1 = venv dir, $2 = python, $3 = lock file, $4 = what to expect
  local venv=$1 py=$2 lock=$3 stamp="$1/.lock.sha256" sum
  sum=$(sha256sum "$lock" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && [ -x "$venv/bin/python" ]; then return; fi
  echo "==> building $venv from $lock (first time only; ${4:-a minute})"
  [ -x "$venv/bin/python" ] || "$UV" venv -q -p "$py" "$venv"
  "$UV" pip sync -q --python "$venv/bin/python" "$lock"
  echo "$sum" > "$stamp"
}

PY310=$(find_python 3.10 exact) || {
  echo "Python 3.10 was not found on PATH or under pyenv: install it (e.g. 'pyenv install 3.10.13') and run again." >&2; exit 1; }
PYGW=$(find_python 3.11 min) || {
  echo "Python 3.11 or newer was not found on PATH or under pyenv: install it (e.g. 'pyenv install 3.11.7') and run again." >&2; exit 1; }
ensure_uv
sync_env .venv-rasa "$PY310" requirements/rasa.lock "about 3 GB, 15–60 s with uv"
sync_env .venv-gw "$PYGW" requirements/gateway.lock "about 300 MB"
