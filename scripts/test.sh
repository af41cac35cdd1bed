#!/usr/bin/env bash
# Builds the solution once and runs the tests in lanes, fastest first, each test class in the
# lane its [Trait("Category", ...)] names: Unit (no processes or servers), Integration
# (in-process clusters, PostgreSQL, embedded Kafka, loopback fakes), EndToEnd (silo and client
# processes, Kannel, kcat). Says how long each lane took and ends with one line
# "Tests: N passed, M failed, K skipped" (CI reads it) and a non-zero exit when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

for tool in kcat promtool; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool is missing; installing test dependencies (scripts/install-deps.sh)"
    scripts/install-deps.sh || { echo "could not install dependencies; run scripts/install-deps.sh as root"; exit 1; }
    break
  fi
done

configuration="${CONFIGURATION:-Release}"
results="$(pwd)/TestResults"
rm -rf "$results"

started=$SECONDS
if ! dotnet build Engine.sln -c "$configuration" -nologo -v quiet; then
  echo "Tests: 0 passed, 1 failed (build failed)"
  exit 1
fi
build_seconds=$((SECONDS - started))

# The last lane holds every test whose class has no Category: it should be empty, and a test
# found there fails the run, so a forgotten trait never drops a test silently.
lanes=(Unit Integration EndToEnd Uncategorized)
filter_of() {
  case "$1" in
    Uncategorized) echo "Category!=Unit&Category!=Integration&Category!=EndToEnd" ;;
    *) echo "Category=$1" ;;
  esac
}

# One counter ($2: passed, failed, total, executed) of a .trx file's <Counters> element ($1).
counter() { echo "$1" | sed -n "s/.* $2=\"\([0-9]*\)\".*/\1/p"; }

# Sums the counters of the .trx files under $1 into lane_passed, lane_failed, lane_skipped, lane_total, lane_files.
count_results() {
  lane_passed=0; lane_failed=0; lane_skipped=0; lane_total=0; lane_files=0
  local trx counters
  while IFS= read -r -d '' trx; do
    lane_files=$((lane_files + 1))
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    lane_passed=$((lane_passed + $(counter "$counters" passed)))
    lane_failed=$((lane_failed + $(counter "$counters" failed)))
    lane_total=$((lane_total + $(counter "$counters" total)))
    lane_skipped=$((lane_skipped + $(counter "$counters" total) - $(counter "$counters" executed)))
  done < <(find "$1" -name '*.trx' -print0 2>/dev/null)
}

# testName of every result under $1 whose outcome matches $2 (a regular expression).
test_names() {
  find "$1" -name '*.trx' -exec cat {} + 2>/dev/null \
    | grep -o "<UnitTestResult [^>]*outcome=\"$2\"[^>]*>" \
    | sed 's/.* testName="\([^"]*\)".*/  \1/' || true
}

# The EndToEnd lane runs as two shards at once: the tests that keep both cores busy
# (classes with [Trait("Load", "Heavy")]: crash, scale-out and shutdown runs) beside the rest,
# which mostly wait on Kannel, timers and Prometheus. Each shard's console goes to its own
# file, printed when both are done, so their lines do not interleave.
run_end_to_end_shards() {
  local shard pids=() logs=() code=0
  for shard in heavy light; do
    local filter="Category=EndToEnd&Load=Heavy"
    [ "$shard" = light ] && filter="Category=EndToEnd&Load!=Heavy"
    local log="$results/EndToEnd-$shard.log"
    mkdir -p "$results"
    dotnet test Engine.sln -c "$configuration" --no-build -nologo --filter "$filter" \
      --logger "trx" --logger "console;verbosity=normal" --results-directory "$results/EndToEnd/$shard" >"$log" 2>&1 &
    pids+=($!); logs+=("$log")
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || code=$?
    echo "--- EndToEnd shard ${logs[$i]##*/}"
    cat "${logs[$i]}"
  done
  return "$code"
}

passed=0; failed=0; skipped=0; files=0
summary=()
uncategorized=0
for lane in "${lanes[@]}"; do
  echo
  echo "=== $lane tests"
  started=$SECONDS
  status=0
  if [ "$lane" = EndToEnd ]; then
    run_end_to_end_shards || status=$?
  else
    dotnet test Engine.sln -c "$configuration" --no-build -nologo --filter "$(filter_of "$lane")" \
      --logger "trx" --logger "console;verbosity=normal" --results-directory "$results/$lane" || status=$?
  fi
  seconds=$((SECONDS - started))
  count_results "$results/$lane"
  files=$((files + lane_files))

  if [ "$lane" = Uncategorized ]; then
    if [ "$lane_total" -gt 0 ]; then
      # Whatever their outcome, these tests are in no lane: each one counts as a failure.
      uncategorized=$lane_total
      failed=$((failed + lane_total))
      echo "=== $lane_total tests have no Category trait; give their classes [Trait(\"Category\", \"Unit\"|\"Integration\"|\"EndToEnd\")]:"
      test_names "$results/$lane" '[A-Za-z]*'
    fi
    summary+=("$(printf '  %-14s %4d tests without a Category (must be 0) in %d s' "$lane" "$lane_total" "$seconds")")
    continue
  fi

  # A test host that crashed leaves fewer results than tests: count it as a failure.
  if [ "$status" -ne 0 ] && [ "$lane_failed" -eq 0 ]; then
    lane_failed=1
  fi
  passed=$((passed + lane_passed)); failed=$((failed + lane_failed)); skipped=$((skipped + lane_skipped))
  summary+=("$(printf '  %-14s %4d passed, %d failed, %d skipped in %d s' "$lane" "$lane_passed" "$lane_failed" "$lane_skipped" "$seconds")")
  echo "=== $lane tests took $seconds s: $lane_passed passed, $lane_failed failed, $lane_skipped skipped"
done

if [ "$files" -eq 0 ]; then
  echo "Tests: 0 passed, 1 failed (no test results were written)"
  exit 1
fi

echo
echo "Lanes (the build took $build_seconds s):"
printf '%s\n' "${summary[@]}"

# Name the failures last, where a truncated CI log still shows them (details are above).
if [ "$failed" -gt 0 ]; then
  echo "Failed tests:"
  test_names "$results" Failed
  if [ "$uncategorized" -gt 0 ]; then
    echo "  ($uncategorized tests without a Category trait, named in the Uncategorized lane above)"
  fi
fi

echo "Tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
