#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (FUZZ_SECONDS each, default 25), or the
# targets named: `bash fuzz/run.sh tax_code`. Installs cargo-fuzz from crates.io when
# missing; needs the nightly toolchain (`cargo +nightly`). Prints one line per target
# and ends with `fuzz: N passed, M failed`; a crash leaves its input in
# fuzz/artifacts/TARGET/ and fails the run.
set -uo pipefail
FUZZ_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_DIR="$(cd "$FUZZ_DIR/.." && pwd)"
SECONDS_EACH="${FUZZ_SECONDS:-25}"
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:-/var/tmp/concerto-target}/fuzz}"

cargo +nightly --version >/dev/null 2>&1 || { echo "fuzz: the nightly toolchain is needed (cargo +nightly)" >&2; exit 1; }
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet || exit 1

# Seeds: committed ones, and the notices the importer's tests read.
seeds_of() {
  case "$1" in
    notice_import) echo "$REPO_DIR/crates/notice/tests/seeds" ;;
    *) echo "$FUZZ_DIR/seeds/$1" ;;
  esac
}

# `--build-only`: install and build, run nothing (CI builds ahead of the run).
build_only=0
[ "${1:-}" = --build-only ] && { build_only=1; shift; }
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(notice_import pdf_text tax_code expression_input)
cd "$FUZZ_DIR"
cargo +nightly fuzz build || { echo "fuzz: 0 passed, ${#targets[@]} failed"; exit 1; }
[ "$build_only" -eq 0 ] || exit 0
passed=0; failed=0
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  # -max_len: notices are long; 64 KB keeps each run quick while reaching every rule.
  if cargo +nightly fuzz run "$target" "corpus/$target" "$(seeds_of "$target")" -- \
      -max_total_time="$SECONDS_EACH" -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      >"artifacts/$target/log" 2>&1; then
    echo "fuzz $target: ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "artifacts/$target/log" | grep -o '[0-9]*$') runs in ${SECONDS_EACH}s)"
    passed=$((passed + 1))
  else
    echo "fuzz $target: FAILED; the input is in fuzz/artifacts/$target/, the log's tail:"
    tail -n 30 "artifacts/$target/log"
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
