#!/usr/bin/env bash
# Makes a fresh clone ready: Debian packages for the simulators and synthesis tools, then npm ci.
# As root it installs what is missing; otherwise it prints the exact command and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

# tool → Debian package
declare -A PKG=(
  [iverilog]=iverilog
  [verilator]=verilator
  [yosys]=yosys
  [nextpnr-ice40]=nextpnr-ice40
  [icepack]=fpga-icestorm
  [ccache]=ccache
  [chromium]=chromium
)
missing=()
for tool in "${!PKG[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${PKG[$tool]}")
done
# Fashion-MNIST for training and the trained models' tests (read from disk, never downloaded by bnn).
[ -f /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz ] || missing+=(dataset-fashion-mnist)

if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# Also after a pull that changed the lockfile: npm records what it installed in node_modules/.package-lock.json.
if [ ! -x node_modules/.bin/tsc ] || [ ! -x node_modules/.bin/vitest ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund >/dev/null
fi
