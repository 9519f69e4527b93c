#!/usr/bin/env bash
# The policy on the real runc: Debian's busybox for several architectures
# in real bundles, created through edgeguard.  Refusals must reach runc's
# --log as containerd's shim reads it, leave one decision record and no
# container; allowed bundles must really run.
source "$(dirname "$0")/lib.sh"
require_root

machine_log_before=$(ls -la --time-style=full-iso /var/log/edgeguard 2>&1)

policy() { printf '%s\n' "$1" >"$EDGEGUARD_POLICY"; }
last_record() { tail -n 1 "$DECISIONS"; }
last_error() { tail -n 1 "$T/$1/log.json"; }

# create ID: containerd's argv, against bundle $T/ID
create() {
        "$EG" "${G[@]}" --log "$T/$1/log.json" --log-format json create --bundle "$T/$1" \
                --pid-file "$T/$1/init.pid" "$1" </dev/null >"$T/out" 2>"$T/err"
}

# ---- allowed: it really runs
bundle native host echo hello from the native module
out=$("$EG" "${G[@]}" run --bundle "$T/native" native </dev/null 2>&1)
check_eq "native bundle runs through edgeguard" "$out" "hello from the native module"
check_eq "native: one allow record" "$(last_record | jq -r '[.decision, .rule, .id, .detected.arch, .detected.file] | map(tostring) | join(" ")')" \
        "allow null native amd64 /bin/echo"
check_eq "native: the record has time (µs), duration and policy hash" \
        "$(last_record | jq '(.time | test("^[0-9-]{10}T[0-9:]{8}\\.[0-9]{6}Z$")) and .duration_us >= 0 and (.policy.sha256 | length) == 64')" true

bundle sleeper host sleep 60
create sleeper
check_eq "native create: exit 0" "$?" 0
"$EG" "${G[@]}" start sleeper
check_eq "native create: running" "$(runc "${G[@]}" state sleeper | jq -r .status)" running
"$EG" "${G[@]}" delete --force sleeper
check_eq "native create: deleted" "$(containers)" 0

# ---- refused at create: reason in runc's log, record, nothing left
for case in "arm64 linux/arm64 AArch64" "armhf linux/arm/v7 ARM" "ppc64el linux/ppc64le PowerPC64"; do
        read -r arch platform machine <<<"$case"
        id=mod-$arch
        bundle "$id" "$arch" true
        echo '{"level":"info","msg":"runc started","time":"2026-01-01T00:00:00Z"}' >"$T/$id/log.json"
        create "$id"
        check_eq "$arch: create refused, exit 1" "$?" 1
        msg=$(last_error "$id" | jq -r 'select(.level == "error") | .msg')
        check_contains "$arch: runc log's last error holds the reason" "$msg" \
                "edgeguard: refused container \"$id\": /bin/true is $platform (ELF"
        check_contains "$arch: the reason names the machine, the host and the rule" "$msg" \
                "$machine"
        check_contains "$arch: ... the host" "$msg" "this host is linux/amd64"
        check_contains "$arch: ... what to do" "$msg" "docker pull --platform linux/amd64 IMAGE"
        check_eq "$arch: the earlier log line is kept" "$(head -n 1 "$T/$id/log.json" | jq -r .msg)" "runc started"
        check_eq "$arch: record" "$(last_record | jq -r '[.decision, .rule, .id, .detected.os + "/" + .detected.arch + (if .detected.variant != "" then "/" + .detected.variant else "" end)] | join(" ")')" \
                "refuse arch $id $platform"
        check_eq "$arch: the record's reason is the user's" "$(last_record | jq -r .reason)" "${msg#edgeguard: }"
        check_eq "$arch: no container left" "$(containers)" 0
        check "$arch: runc knows no such container" bash -c "! runc --root '$R' state '$id' >/dev/null 2>&1"
done

# ---- i386 on a (simulated) arm64 host
policy "{\"host\": \"linux/arm64\", \"decision_log\": \"$DECISIONS\"}"
bundle mod-i386 i386 true
create mod-i386
check_eq "i386 on an arm64 host: refused" "$?" 1
check_contains "i386 on an arm64 host: reason" "$(last_error mod-i386 | jq -r .msg)" \
        "/bin/true is linux/386 (ELF 32-bit LSB Intel 80386, static), which this host does not run: it runs linux/arm64"
check_eq "i386 on an arm64 host: record" "$(last_record | jq -r '[.decision, .host.arch, .host.simulated, .detected.arch] | map(tostring) | join(" ")')" \
        "refuse arm64 true 386"
check_eq "i386: no container left" "$(containers)" 0

# ---- i386 on this (real) amd64 host: amd64 kernels run 386 code only with
# IA32 emulation, which some lack (built without it, ia32_emulation=0, a PVM
# guest); edgeguard probes it, and this suite asks the kernel itself
IA32=$(host_runs_i386) || exit 1
echo "# this kernel runs i386: $IA32"
bundle mod-i386-here i386 echo hello from i386
policy '{}'
if [[ $IA32 == no ]]; then
        create mod-i386-here
        check_eq "i386 here, no IA32: refused" "$?" 1
        check_contains "... the reason says why" "$(last_error mod-i386-here | jq -r .msg)" \
                "/bin/echo is linux/386 (ELF 32-bit LSB Intel 80386, static), which this host does not run: it runs linux/amd64"
        check_contains "... IA32 emulation named" "$(last_error mod-i386-here | jq -r .msg)" \
                "only: this host's kernel does not run 32-bit x86 programs (IA32 emulation is off)"
        check_eq "... record: probed, no" "$(last_record | jq -r '[.decision, .rule, .host.ia32] | join(" ")')" "refuse arch no"
        check_eq "... the probe's answer cached for the boot" "$(cut -d' ' -f1 "$EDGEGUARD_IA32_CACHE")" no
        policy '{"rules": {"arch": "audit"}}'
        "$EG" "${G[@]}" run --bundle "$T/mod-i386-here" mod-i386-here </dev/null >"$T/out" 2>&1
        check "... and rightly: let through, runc cannot exec it" test "$?" -ne 0
        check_contains "... exec format error" "$(cat "$T/out")" "exec format error"
        runc "${G[@]}" delete --force mod-i386-here >/dev/null 2>&1
else
        check_eq "i386 here, IA32 on: allowed, and it runs" \
                "$("$EG" "${G[@]}" run --bundle "$T/mod-i386-here" mod-i386-here </dev/null 2>&1)" "hello from i386"
        check_eq "... record: probed, yes" "$(last_record | jq -r '[.decision, .host.ia32] | join(" ")')" "allow yes"
        check_eq "... the probe's answer cached for the boot" "$(cut -d' ' -f1 "$EDGEGUARD_IA32_CACHE")" yes
fi
policy '{}'
check_eq "no container left" "$(containers)" 0
# a simulated host states it: linux/amd64 runs 386 as containerd assumes,
# linux/amd64,ia32=no does not, whatever this machine does
"$EG" check --host linux/amd64 "$T/mod-i386-here" >"$T/out"
check_eq "check --host linux/amd64, i386: allowed" "$?" 0
"$EG" check --host linux/amd64,ia32=no "$T/mod-i386-here" >"$T/out"
check_eq "check --host linux/amd64,ia32=no, i386: refused" "$?" 1
check_contains "... with the reason" "$(cat "$T/out")" "this host's kernel does not run 32-bit x86 programs (IA32 emulation is off)"

# ---- a seccomp filter that would kill the executable: libseccomp adds
# runc's own architecture (x86_64) to the filter, and any other the profile
# does not list meets the filter's bad-arch action.  Judged on a simulated
# host that runs 386 code, so that it holds without IA32 here too; run
# only where this kernel runs i386.
bundle sigsys i386 echo hello from i386
jq '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64"],
                      syscalls: [{names: ["acct"], action: "SCMP_ACT_ERRNO"}]}' \
        "$T/sigsys/config.json" >"$T/sigsys/config.new" && mv "$T/sigsys/config.new" "$T/sigsys/config.json"
policy "{\"host\": \"linux/amd64\", \"decision_log\": \"$DECISIONS\"}"
create sigsys
check_eq "i386 under an X86_64-only seccomp profile: refused" "$?" 1
check_contains "... SIGSYS foretold" "$(last_error sigsys | jq -r .msg)" \
        "/bin/echo is linux/386 (ELF 32-bit LSB Intel 80386, static), which this host runs, but not under this seccomp filter: its architectures (SCMP_ARCH_X86_64) and runc's own (SCMP_ARCH_X86_64) leave out SCMP_ARCH_X86, so the filter kills the first system call with SIGSYS (exit status 159)"
check_eq "... no container left" "$(containers)" 0
if [[ $IA32 == yes ]]; then
        policy '{"rules": {"arch": "audit"}}'
        "$EG" "${G[@]}" run --bundle "$T/sigsys" sigsys </dev/null >"$T/out" 2>&1
        check_eq "... and rightly: let through, runc's container dies of SIGSYS" "$?" 159
        jq '.linux.seccomp.architectures += ["SCMP_ARCH_X86"]' "$T/sigsys/config.json" >"$T/sigsys/config.new" &&
                mv "$T/sigsys/config.new" "$T/sigsys/config.json"
        policy '{}'
        check_eq "... with SCMP_ARCH_X86 listed: allowed, and it runs" \
                "$("$EG" "${G[@]}" run --bundle "$T/sigsys" sigsys </dev/null 2>&1)" "hello from i386"
else
        jq '.linux.seccomp.architectures += ["SCMP_ARCH_X86"]' "$T/sigsys/config.json" >"$T/sigsys/config.new" &&
                mv "$T/sigsys/config.new" "$T/sigsys/config.json"
        create sigsys
        check_eq "... with SCMP_ARCH_X86 listed: allowed on the simulated host" "$?" 0
        runc "${G[@]}" delete --force sigsys >/dev/null 2>&1
fi
policy '{}'

# ---- audit mode lets it through, recorded as such
policy '{"mode": "audit"}'
create mod-arm64
check_eq "audit: arm64 create passes through" "$?" 0
check_eq "audit: runc created it" "$(runc "${G[@]}" state mod-arm64 | jq -r .status)" created
check_eq "audit: record" "$(last_record | jq -r '[.decision, .rule] | join(" ")')" "audit arch"
check_contains "audit: reason says what would have happened" "$(last_record | jq -r .reason)" "audit: would refuse container \"mod-arm64\""
"$EG" "${G[@]}" delete --force mod-arm64

# ---- an exception, until it expires
policy '{"exceptions": [{"name": "mod-arm*", "rules": ["arch"], "reason": "vendor ticket 7", "expires": "2999-01-01T00:00:00Z"}]}'
create mod-arm64
check_eq "exception: allowed" "$?" 0
check_eq "exception: recorded" "$(last_record | jq -r '[.decision, .rules.arch.action, .rules.arch.exception, .rules.arch.exception_expires] | join("|")')" \
        "allow|excepted|vendor ticket 7|2999-01-01T00:00:00Z"
"$EG" "${G[@]}" delete --force mod-arm64
policy '{"exceptions": [{"name": "mod-arm*", "rules": ["arch"], "reason": "vendor ticket 7", "expires": "2020-01-01T00:00:00Z"}]}'
create mod-arm64
check_eq "expired exception: refused" "$?" 1
check_contains "expired exception: named in the reason" "$(last_error mod-arm64 | jq -r .msg)" \
        "the exception for it (\"vendor ticket 7\") expired at 2020-01-01T00:00:00Z"
check_eq "expired exception: no container left" "$(containers)" 0
policy '{}'

# ---- Windows specs on Linux; the Hyper-V one with a simulated Windows host
make_pe() { # a minimal x86-64 PE executable
        { printf 'MZ'; head -c 58 /dev/zero; printf '\x80\0\0\0'; head -c 64 /dev/zero
          printf 'PE\0\0\x64\x86'; head -c 16 /dev/zero; printf '\x22\0'; head -c 100 /dev/zero; } >"$1"
}
for kind in process hyperv; do
        bundle "win-$kind" host true
        mkdir -p "$T/win-$kind/rootfs/app"
        make_pe "$T/win-$kind/rootfs/app/hello.exe"
        jq --arg k "$kind" 'del(.linux) | .process.args = ["C:\\app\\hello.exe"] | .process.cwd = "C:\\"
            | .windows = (if $k == "hyperv" then {"hyperv": {}} else {} end)' \
                "$T/win-$kind/config.json" >"$T/c" && mv "$T/c" "$T/win-$kind/config.json"
        create "win-$kind"
        check_eq "windows ($kind) on linux: refused" "$?" 1
        check_contains "windows ($kind) on linux: rule os" "$(last_error "win-$kind" | jq -r .msg)" \
                "this is a windows container (the spec has a windows section); this host is linux/amd64"
done
check_eq "hyperv on linux: the hyperv rule fails too" "$(last_record | jq -r .rules.hyperv.result)" fail
"$EG" check --host windows/amd64 "$T/win-hyperv" >"$T/out"
check_eq "check --host windows/amd64, hyperv: exit 1" "$?" 1
check_contains "check --host windows/amd64, hyperv: rule hyperv" "$(head -n 1 "$T/out")" "REFUSE by rule hyperv"
"$EG" check --json --host windows/amd64 "$T/win-process" >"$T/out"
check_eq "check --host windows/amd64, process isolation: exit 0" "$?" 0
check_eq "check --host windows/amd64, process isolation: the PE entrypoint" \
        "$(jq -r '[.decision, .detected.format, .detected.os, .detected.arch, .detected.file] | join(" ")' "$T/out")" \
        "allow PE windows amd64 /app/hello.exe"
lines=$(wc -l <"$DECISIONS")
"$EG" check "$T/mod-arm64" >/dev/null
check_eq "check: exit 1 for a refusal" "$?" 1
check_eq "check writes no decision record" "$(wc -l <"$DECISIONS")" "$lines"
"$EG" check --bogus "$T/mod-arm64" >/dev/null 2>&1
check_eq "check: usage error exits 2" "$?" 2
"$EG" check --host arm64 "$T/mod-arm64" >/dev/null 2>&1
check_eq "check: --host without an OS exits 2" "$?" 2
for h in linux linux/amd64/v9 foo/bar linux/foo "linux/amd64,userland=arm/v9" ""; do
        msg=$("$EG" check --host "$h" "$T/mod-arm64" 2>&1 >/dev/null)
        check_eq "check: --host '$h' is a usage error (exit 2)" "$?" 2
        check_contains "... naming the text" "$(head -n 1 <<<"$msg")" "edgeguard check: --host $h: "
done

# ---- a corrupt policy refuses creation but never blocks the other verbs
create sleeper
"$EG" "${G[@]}" start sleeper
printf '{"mode": "enforce",' >"$EDGEGUARD_POLICY"
create native
check_eq "corrupt policy: create refused" "$?" 1
check_contains "corrupt policy: the file and the error are named" "$(last_error native | jq -r .msg)" \
        "policy file $EDGEGUARD_POLICY: mode: invalid JSON: parse error: premature EOF (byte 19)"
check_eq "corrupt policy: recorded under rule policy" "$(last_record | jq -r '[.decision, .rule] | join(" ")')" "refuse policy"
check_eq "corrupt policy: state passes through" "$("$EG" "${G[@]}" state sleeper | jq -r .status)" running
"$EG" "${G[@]}" kill sleeper KILL
check_eq "corrupt policy: kill passes through" "$?" 0
"$EG" "${G[@]}" delete --force sleeper
check_eq "corrupt policy: delete passes through" "$(containers)" 0
EDGEGUARD_POLICY=$T/missing.json create native
check_contains "a named policy file that is missing refuses too" "$(last_error native | jq -r .msg)" \
        "policy file $T/missing.json: No such file or directory"
policy '{}'

# ---- the decision log cannot be written: the decision stands, the caller hears of it
: >"$T/not-a-dir"
EDGEGUARD_DECISION_LOG=$T/not-a-dir/decisions.jsonl create mod-arm64
check_eq "log unwritable: still refused" "$?" 1
check_contains "log unwritable: said in the refusal" "$(last_error mod-arm64 | jq -r .msg)" \
        "(the decision log could not be written: opening decision log $T/not-a-dir/decisions.jsonl: Not a directory)"
EDGEGUARD_DECISION_LOG=$T/not-a-dir/decisions.jsonl create sleeper
check_eq "log unwritable: an allowed create still runs" "$?" 0
check_eq "log unwritable: a warning line for the caller" "$(jq -r 'select(.level == "warning") | .msg' "$T/sleeper/log.json" | tail -n 1)" \
        "edgeguard: the decision log could not be written: opening decision log $T/not-a-dir/decisions.jsonl: Not a directory"
"$EG" "${G[@]}" delete --force sleeper
ln -s "$T/elsewhere" "$T/link.jsonl"
EDGEGUARD_DECISION_LOG=$T/link.jsonl create mod-arm64
check_contains "a symlink as decision log is not followed" "$(last_error mod-arm64 | jq -r .msg)" "is a symlink: not written"
check "... and nothing was written through it" test ! -e "$T/elsewhere"
EDGEGUARD_DECISION_LOG=$T/sub/dir/decisions.jsonl create mod-arm64
check_eq "the log's missing directories are created" "$(jq -r .decision "$T/sub/dir/decisions.jsonl")" refuse

# ---- 200 concurrent creates: 200 whole lines
: >"$T/many.jsonl"
for i in $(seq 1 100); do
        EDGEGUARD_DECISION_LOG=$T/many.jsonl "$EG" "${G[@]}" --log "$T/mod-arm64/log.json" --log-format json \
                create --bundle "$T/mod-arm64" "refused-$i" </dev/null >/dev/null 2>&1 &
        EDGEGUARD_DECISION_LOG=$T/many.jsonl EDGEGUARD_RUNC=/bin/true "$EG" "${G[@]}" \
                create --bundle "$T/native" "allowed-$i" </dev/null >/dev/null 2>&1 &
done
wait
check_eq "200 concurrent creates: 200 lines" "$(wc -l <"$T/many.jsonl")" 200
check_eq "... every one a JSON object, 200 distinct ids" "$(jq -r .id "$T/many.jsonl" | sort -u | wc -l)" 200
check_eq "... 100 refused, 100 allowed" "$(jq -r .decision "$T/many.jsonl" | sort | uniq -c | tr -s ' ' | tr '\n' ';')" " 100 allow; 100 refuse;"

# ---- 100 concurrent identical refusals: counted exactly, logged at 1, 2, 4, ... 64
: >"$T/loop.jsonl"
for i in $(seq 1 100); do
        EDGEGUARD_DECISION_LOG=$T/loop.jsonl "$EG" "${G[@]}" --log "$T/mod-arm64/log.json" --log-format json \
                create --bundle "$T/mod-arm64" crash-loop </dev/null >/dev/null 2>&1 &
done
wait
check_eq "100 identical refusals: 7 lines" "$(wc -l <"$T/loop.jsonl")" 7
check_eq "... counting 1 2 4 8 16 32 64" "$(jq -r '.repeat.count // 1' "$T/loop.jsonl" | sort -n | tr '\n' ' ')" "1 2 4 8 16 32 64 "
check_eq "... each line counts those it stands for" "$(jq -s 'map(1 + (.repeat.unlogged // 0)) | add' "$T/loop.jsonl")" 64
check_eq "... the table beside the log holds all 100" "$(awk 'NR == 2 { print $2 }' "$T/loop.jsonl.repeats")" 100
check_eq "... every refusal still reached its caller" "$(jq -r 'select(.level == "error") | .msg' "$T/mod-arm64/log.json" | grep -c crash-loop)" 100
check_eq "no container left at the end" "$(containers)" 0
check_eq "the machine's /var/log/edgeguard untouched" "$(ls -la --time-style=full-iso /var/log/edgeguard 2>&1)" "$machine_log_before"

finish
