#!/usr/bin/env bash
# Installs the packages built in dist/ the way each language's users install them, runs the
# consumer apps (TypeScript from the npm tarball, Python from the wheel in a fresh venv, Go from
# the generated module), and checks that:
#   - the README's examples are these apps, verbatim;
#   - the TypeScript, Python and Go templates equal the template of example/app.ts after
#     normalising (compare_templates.py says what that removes);
#   - an invalid setting (a one-host web fleet) fails in each language with the same message.
#
# It builds nothing: run `npx projen package-all` first. Usage: test/consumers/run.sh
# Set KEEP_WORK=1 to keep the temporary folder (venv, node_modules, cloud assemblies).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/test/consumers"
cd "$ROOT"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdk-mastodon-consumers.XXXXXX")"
cleanup() { if [[ "${KEEP_WORK:-}" == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'PASS %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; }
# Prints the last lines of a log after a failure.
show() { echo "--- last lines of $1:"; tail -n "${2:-40}" "$1" | sed 's/^/    /'; }

step_start=0
step() { step_start=$SECONDS; printf '\n--- %s\n' "$1"; }
took() { printf '    (%s: %ds)\n' "$1" $((SECONDS - step_start)); }

# Run the apps as the CDK CLI runs them: with the context it passes to every app, so that the
# templates carry the CDK metadata, path and asset metadata that real synths have.
export CDK_CONTEXT_JSON='{"aws:cdk:enable-path-metadata":true,"aws:cdk:enable-asset-metadata":true,"aws:cdk:version-reporting":true,"aws:cdk:bundling-stacks":["**"]}'
TEMPLATE=MastodonExample.template.json

step "packages in dist/"
shopt -s nullglob
tarballs=(dist/js/cdk-mastodon@*.jsii.tgz)
wheels=(dist/python/cdk_mastodon-*-py3-none-any.whl)
sdists=(dist/python/cdk_mastodon-*.tar.gz)
shopt -u nullglob
if [[ ${#tarballs[@]} -ne 1 || ${#wheels[@]} -ne 1 || ${#sdists[@]} -ne 1 || ! -f dist/go/cdkmastodon/go.mod ]]; then
  echo "expected one npm tarball, one wheel, one sdist and the Go module in dist/; run 'npx projen package-all' first" >&2
  find dist -maxdepth 3 2>/dev/null | head -20 >&2 || true
  exit 1
fi
printf '    %s\n' "${tarballs[0]}" "${wheels[0]}" "${sdists[0]}" dist/go/cdkmastodon
printf '    node %s, %s, %s\n' "$(node --version)" "$(python3 --version)" "$(go version)"

step "README examples are the consumer apps"
if python3 "$HERE/readme_examples.py" README.md; then pass "README examples"; else fail "README examples"; fi

# --- the reference: the TypeScript example app of this repository, from source
step "reference: example/app.ts (from source)"
mkdir -p "$WORK/example"
if CDK_OUTDIR="$WORK/example/cdk.out" npx ts-node --transpile-only --project tsconfig.dev.json \
  -e "require('./example/app').buildExampleApp(process.env.CDK_OUTDIR).app.synth()" >"$WORK/example/synth.log" 2>&1; then
  pass "example/app.ts synthesizes"
else
  fail "example/app.ts synthesizes"; show "$WORK/example/synth.log"
fi
took "example synth"

# --- TypeScript: the npm tarball, installed into a fresh project, compiled with strict tsc
step "TypeScript consumer (npm tarball)"
TS="$WORK/typescript"
mkdir -p "$TS"
cp "$HERE/typescript/app.ts" "$HERE/typescript/tsconfig.json" "$HERE/typescript/package.json" "$TS/"
ts_ok=1
if ! (cd "$TS" && npm install --no-audit --no-fund --loglevel=error "$ROOT/${tarballs[0]}") >"$TS/install.log" 2>&1; then
  ts_ok=0; fail "TypeScript: npm install"; show "$TS/install.log"
fi
took "npm install"
if [[ $ts_ok == 1 ]] && ! (cd "$TS" && npx tsc) >"$TS/tsc.log" 2>&1; then
  ts_ok=0; fail "TypeScript: tsc (strict)"; show "$TS/tsc.log"
fi
if [[ $ts_ok == 1 ]] && (cd "$TS" && CDK_OUTDIR="$TS/cdk.out" node app.js) >"$TS/synth.log" 2>&1; then
  pass "TypeScript consumer synthesizes"
elif [[ $ts_ok == 1 ]]; then
  fail "TypeScript consumer synthesizes"; show "$TS/synth.log"
fi
took "TypeScript consumer"

# --- Python: a fresh venv with the wheel and aws-cdk-lib/constructs from PyPI
step "Python consumer (wheel in a fresh venv)"
PY="$WORK/python"
py_ok=1
if ! python3 -m venv "$PY/venv" >"$WORK/venv.log" 2>&1; then
  py_ok=0; fail "Python: venv"; show "$WORK/venv.log"
elif ! "$PY/venv/bin/pip" install --disable-pip-version-check -q "$ROOT/${wheels[0]}" -r "$HERE/python/requirements.txt" >"$PY/install.log" 2>&1; then
  py_ok=0; fail "Python: pip install"; show "$PY/install.log"
fi
took "venv + pip install"
if [[ $py_ok == 1 ]]; then
  "$PY/venv/bin/pip" list --disable-pip-version-check 2>/dev/null | grep -E '^(cdk-mastodon|aws-cdk-lib|constructs|jsii) ' | sed 's/^/    /' || true
  if (cd "$HERE/python" && CDK_OUTDIR="$PY/cdk.out" "$PY/venv/bin/python" app.py) >"$PY/synth.log" 2>&1; then
    pass "Python consumer synthesizes"
  else
    fail "Python consumer synthesizes"; show "$PY/synth.log"
  fi
fi
took "Python consumer"

# --- Go: the generated module (replace directive to dist/go), aws-cdk-go from the module proxy
step "Go consumer (dist/go module)"
GO="$WORK/go"
mkdir -p "$GO"
go_ok=1
if ! (cd "$HERE/go" && go build -mod=readonly -o "$GO/consumer" .) >"$GO/build.log" 2>&1; then
  go_ok=0; fail "Go: build"; show "$GO/build.log"
fi
took "go build"
if [[ $go_ok == 1 ]] && CDK_OUTDIR="$GO/cdk.out" "$GO/consumer" >"$GO/synth.log" 2>&1; then
  pass "Go consumer synthesizes"
elif [[ $go_ok == 1 ]]; then
  fail "Go consumer synthesizes"; show "$GO/synth.log"
fi
took "Go consumer"

# --- the templates
step "templates: TypeScript, Python and Go against example/app.ts"
compare=("example=$WORK/example/cdk.out/$TEMPLATE")
for lang in typescript python go; do
  dir="$WORK/$lang/cdk.out"
  if [[ -f "$dir/$TEMPLATE" ]]; then compare+=("$lang=$dir/$TEMPLATE"); else fail "$lang: no template to compare"; fi
done
if [[ -f "$WORK/example/cdk.out/$TEMPLATE" && ${#compare[@]} -gt 1 ]]; then
  if python3 "$HERE/compare_templates.py" "${compare[@]}" >"$WORK/compare.log" 2>&1; then
    cat "$WORK/compare.log"; pass "templates identical after normalising (${#compare[@]} apps)"
  else
    cat "$WORK/compare.log"; fail "templates identical after normalising"
  fi
fi
took "compare"

# --- an invalid setting: the same message in every language
step "invalid setting (web fleet minCapacity 1) in each language"
# TypeScript: an uncaught Error; its message line is the reference.
expected=""
if [[ $ts_ok == 1 ]]; then
  if (cd "$TS" && CDK_OUTDIR="$TS/invalid.out" node app.js --invalid) >"$TS/invalid.log" 2>&1; then
    fail "TypeScript --invalid should fail"
  else
    expected="$(sed -n 's/^Error: //p' "$TS/invalid.log" | head -n 1)"
    if [[ "$expected" == *"minCapacity is 1"* ]]; then
      pass "TypeScript --invalid throws: $expected"
    else
      fail "TypeScript --invalid: no 'Error: ... minCapacity is 1 ...' line"; show "$TS/invalid.log"; expected=""
    fi
  fi
fi
if [[ -n "$expected" ]]; then
  if grep -qxF "$expected" README.md; then pass "README quotes the message"; else fail "README quotes the message (update '## Quick start')"; fi
  # Python: the traceback ends with the RuntimeError and the message, nothing else.
  if [[ $py_ok == 1 ]]; then
    if (cd "$HERE/python" && CDK_OUTDIR="$PY/invalid.out" "$PY/venv/bin/python" app.py --invalid) >"$PY/invalid.log" 2>&1; then
      fail "Python --invalid should fail"
    elif [[ "$(tail -n 1 "$PY/invalid.log")" == "RuntimeError: $expected" ]]; then
      pass "Python --invalid raises RuntimeError with the same message"
    else
      fail "Python --invalid: last line is not 'RuntimeError: $expected'"; show "$PY/invalid.log" 15
    fi
  fi
  # Go: the panic, recovered into an error, printed as 'error: <message>'.
  if [[ $go_ok == 1 ]]; then
    if CDK_OUTDIR="$GO/invalid.out" "$GO/consumer" -invalid >"$GO/invalid.log" 2>&1; then
      fail "Go -invalid should fail"
    elif grep -qxF "error: $expected" "$GO/invalid.log"; then
      pass "Go -invalid returns an error with the same message"
    else
      fail "Go -invalid: no line 'error: $expected'"; show "$GO/invalid.log" 15
    fi
  fi
fi

echo
echo "consumers: $passed passed, $failed failed"
[[ $failed == 0 ]]
