#!/usr/bin/env bash
# fuzz.sh SECONDS BIN: runs one libFuzzer target (build-fuzz/fuzz/NAME_fuzz)
# for SECONDS on its seeds, and prints "1 passed, 0 failed" when it ran that
# long without a crash, a sanitizer report, a leak or an input taking over
# 10 s.  The corpus grows in build-fuzz/corpus/NAME across runs; a failing
# input is kept in build-fuzz/artifacts/NAME/ and printed.
#
# Seeds: tests/fuzz/corpus/NAME/, plus the test data of each parser (the
# config.json corpus, moby's files, the binfmt_misc entries of the fake
# hosts, the policy the package installs) and the first 8 KiB of the foreign executables in build/foreign.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

seconds=$1 bin=$2
name=$(basename "$bin" _fuzz)
corpus=build-fuzz/corpus/$name
artifacts=build-fuzz/artifacts/$name
seeds=build-fuzz/seeds/$name
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [[ ! -x $bin ]]; then
        echo "not ok - $name: $bin is not built (make fuzz builds it)"
        echo "0 passed, 1 failed"
        exit 1
fi
rm -rf "$seeds"
mkdir -p "$corpus" "$artifacts" "$seeds"
[[ -d tests/fuzz/corpus/$name ]] && cp tests/fuzz/corpus/"$name"/* "$seeds"/
max_len=4096
case $name in
spec | decide | view)
        find tests/data/spec -name '*.json' -exec cp -t "$seeds" {} +
        max_len=65536 ;;
moby)
        cp tests/data/moby/* "$seeds"/ ;;
policy)
        cp dist/policy.json "$seeds/dist-policy.json" ;;  # the one the package installs
authz_request)
        cp tests/data/authz/*.json "$seeds"/
        max_len=16384 ;;
why_log)
        max_len=65536 ;;
binfmt)
        for f in tests/data/host/*/proc/sys/fs/binfmt_misc/*; do
                case $(basename "$f") in register | status) continue ;; esac
                cp "$f" "$seeds/$(basename "$(dirname "$(dirname "$(dirname "$(dirname "$(dirname "$f")")")")")")-$(basename "$f")"
        done ;;
exe)
        for f in build/foreign/*/busybox build/foreign/*/busybox-static build/foreign/*/age; do
                [[ -f $f ]] || continue
                head -c 8192 "$f" >"$seeds/$(basename "$(dirname "$f")")-$(basename "$f")"
        done
        max_len=8192 ;;
levels)
        # programs whose notes state levels, and the host texts in the corpus
        for f in build/foreign/amd64/busybox build/foreign/amd64/busybox-static /bin/true \
                /lib64/ld-linux-x86-64.so.2; do
                [[ -f $f ]] || continue
                head -c 8192 "$f" >"$seeds/$(basename "$(dirname "$f")")-$(basename "$f")"
        done
        max_len=8192 ;;
layer_index)
        # the test's layers (tar, gzip, xz; whiteouts, links, hostile ones) that are small
        python3 tests/data/layers/make.py "$seeds" build/foreign >/dev/null &&
                find "$seeds" -type f -size +64k -delete
        max_len=65536 ;;
esac

"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len="$max_len" \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$seeds" >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
units=$(find "$corpus" -type f | wc -l)
if [[ $rc -eq 0 && -n $execs ]]; then
        echo "ok - $name: ${execs} inputs in ${seconds} s without a failure (corpus: $units inputs)"
        echo "1 passed, 0 failed"
        exit 0
fi
echo "not ok - $name: libFuzzer exited $rc"
grep -E 'ERROR|SUMMARY|runtime error|Test unit written|timeout|leak' "$log" | head -n 20
tail -n 40 "$log"
echo "0 passed, 1 failed"
exit 1
