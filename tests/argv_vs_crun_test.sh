#!/usr/bin/env bash
# Differential: for generated crun command lines (global options, then
# create or run), edgeguard's crun grammar and the real crun 1.8 must agree
# on whether the line is accepted and on the bundle it names.  crun shows
# its choice of bundle in the error it gives for one that does not exist
# ("chdir `/nx-...` failed", "realpath `X` failed") or, with none, by
# looking for config.json in the cwd ("error loading config.json" from
# create, "load `config.json`" from run); help and version print "Usage:" or
# "crun version"; anything else is a usage error.  Where edgeguard refuses
# on purpose (-f/--config, an empty id) crun's answer is not compared: those
# lines are counted apart, and must be refused.
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/argv_vs.sh
source "$(dirname "$0")/argv_vs.sh"

DUMP=$HELPERS/crun_argv_dump
mkdir -p "$T/empty"
globals=("" "" "--cgroup-manager=cgroupfs" "--cgroup-manager disabled" "--cgroup-man=systemd"
        "--systemd-cgroup" "--debug" "--rootless=true" "--cgroup-manager=bogus" "--cgroup-manager"
        "--log-format=json" "--lo x" "--ro /nx-root" "-v" "--root" "-? " "--" "--usage")
tokens=(-b /nx-a --bundle /nx-b --bundle=/nx-c -b=/nx-d -b/nx-e --bund /nx-f --b /nx-g id1 id2
        -- --no-pivot --no-subreaper --pid-file /p --pid-file=/p -d --detach=false
        --preserve-fds 3 --preserve-fds=x --preserve-fds= --pr 1 --console-socket -f /c
        --config=/c -? --help --usage --bogus "" - -db /nx-h -bd --no-s --HANG=0 -b)
units=("-b /nx-a" "--bundle /nx-b" "--bundle=/nx-c" "-b=/nx-d" "-b/nx-e" id1 id2 -- --no-pivot
        "--pid-file /p" -d "--preserve-fds 3" "--console-socket /s" --no-subreaper "--no-new-keyring")

RANDOM=20261130
LINES=400
refused_on_purpose=0
for ((n = 0; n < LINES; n++)); do
        verb=create; ((RANDOM % 2)) && verb=run
        read -r -a line <<<"${globals[RANDOM % ${#globals[@]}]}"
        line+=("$verb")
        argv_vs_append line
        argv_vs_ours "$DUMP" "${line[@]}"
        theirs=$(cd "$T/empty" && timeout 10 crun --root "$T/state" "${line[@]}" </dev/null 2>&1 | tr '\n' ' ')
        if [[ $theirs =~ chdir\ \`([^\`]*)\`\ failed ]]; then
                crun_says="bundle ${BASH_REMATCH[1]}"
        elif [[ $theirs =~ realpath\ \`([^\`]+)\`\ failed ]]; then
                crun_says="bundle ${BASH_REMATCH[1]}"
        elif [[ $theirs == *"error loading config.json"* || $theirs == *"load \`config.json\`"* ]]; then
                crun_says="bundle -"
        elif [[ $theirs == Usage:* || $theirs == "crun version"* ]]; then
                crun_says="help"
        else
                crun_says="usage error"
        fi
        if [[ $ours == *"-f/--config"* || ($status == ok && -z $id) ]]; then
                refused_on_purpose=$((refused_on_purpose + 1))
                [[ $status == ok && -n $id ]] && disagreements+=("$(printf '%q ' "${line[@]}")=> not refused")
                continue
        fi
        argv_vs_compare crun "$crun_says" "${line[@]}"
done
argv_vs_verdict "crun 1.8" "$LINES" "$refused_on_purpose more refused on purpose: -f/--config, empty id"
check "some lines were accepted with a bundle" test "$agree" -gt 100
check_eq "crun created nothing" "$(crun --root "$T/state" list -q 2>/dev/null)" ""
finish
