#!/usr/bin/env bash
# Differential: for generated create/run command lines, edgeguard's grammar
# and the real runc must agree on whether the line is accepted and on the
# bundle it names.  runc shows its choice of bundle in the error it gives for
# a bundle that does not exist ("chdir /nx-...") or, with none, by looking
# for config.json in the cwd; any other complaint is a usage error.
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/argv_vs.sh
source "$(dirname "$0")/argv_vs.sh"

DUMP=$HELPERS/argv_dump
mkdir -p "$T/empty"
tokens=(-b /nx-a --bundle /nx-b --bundle=/nx-c -b=/nx-d -bundle /nx-e id1 id2 -- --no-pivot
        --pid-file /p --pid-file=/p -d --detach=false --keep --preserve-fds 1_0 --preserve-fds=x
        --console-socket -no-subreaper --bogus -h "" -)

units=("-b /nx-a" "--bundle /nx-b" "--bundle=/nx-c" "-b=/nx-d" id1 id2 -- --no-pivot
        "--pid-file /p" -d "--preserve-fds 3" "--console-socket /s" -no-subreaper)

# A deterministic stream of lines: verb, then 1-6 units or raw tokens.
RANDOM=20261121
LINES=1500
for ((n = 0; n < LINES; n++)); do
        verb=create; ((RANDOM % 2)) && verb=run
        line=("$verb")
        argv_vs_append line
        argv_vs_ours "$DUMP" "${line[@]}"
        theirs=$(cd "$T/empty" && runc --root "$T/state" "${line[@]}" </dev/null 2>&1 | tr '\n' ' ')
        if [[ $theirs =~ (create|run)\ failed:\ chdir\ ([^:]*): ]]; then
                runc_says="bundle ${BASH_REMATCH[2]}"
        elif [[ $theirs == *"specification file config.json not found"* ]]; then
                runc_says="bundle -"
        elif [[ $theirs == *"level=error"* || $theirs == *"Incorrect Usage"* ]]; then
                runc_says="usage error"
        else
                runc_says="help"  # -h / --help: runc prints the command's help, nothing else
        fi
        argv_vs_compare runc "$runc_says" "${line[@]}"
done
argv_vs_verdict "runc 1.1" "$LINES"
check_eq "runc created nothing" "$(runc --root "$T/state" list -q 2>/dev/null)" ""
finish
