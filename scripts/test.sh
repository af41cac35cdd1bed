#!/usr/bin/env bash
# Builds the solution and runs every test project; ends with one line
# "Tests: N passed, M failed, K skipped" and a non-zero exit when anything failed.
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

if ! dotnet build Engine.sln -c "$configuration" -nologo -v quiet; then
  echo "Tests: 0 passed, 1 failed (build failed)"
  exit 1
fi

status=0
dotnet test Engine.sln -c "$configuration" --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" || status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed)))
  executed=$(value executed); total=$(value total)
  skipped=$((skipped + total - executed))
done

if [ "$files" -eq 0 ]; then
  echo "Tests: 0 passed, 1 failed (no test results were written)"
  exit 1
fi

# A test host that crashed leaves fewer results than tests: count it as a failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi

# Name the failures last, where a truncated CI log still shows them (details are above).
if [ "$failed" -gt 0 ]; then
  echo "Failed tests:"
  cat "$results"/*.trx | grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' \
    | sed 's/.* testName="\([^"]*\)".*/  \1/' || true
fi

echo "Tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
