#!/usr/bin/env bash
# The cost bound of a create's decision on the worst inputs a hostile bundle
# can hold (laid out by `bound_test --write`), in instructions counted by
# callgrind, which no other load on the machine changes: each input costs
# at most its case's factor times its reference (the same input at a quarter
# of the size: linear cost is at most 4x; or 1 MiB of a benign spec), and at
# most INSTRUCTIONS_MAX in all, about 50 ms of one core of this machine
# kind.  The whole evaluation runs as `edgeguard check`, up to its output.
source "$(dirname "$0")/lib.sh"

INSTRUCTIONS_MAX=250000000
W=$T/cases
mkdir -p "$W"
if ! "$TOP/build/tests/bound_test" --write "$W" >"$T/write.log" 2>&1; then
        not_ok "laying out the worst inputs" "$(cat "$T/write.log")"
        finish
fi

# instructions ID BUNDLE: what `edgeguard check` of BUNDLE executes
instructions() {
        valgrind --tool=callgrind --callgrind-out-file=/dev/null \
                "$EG" check --policy "$W/tree/policy.json" --id "$1" "$2" >/dev/null 2>"$T/cg.log"
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$T/cg.log"
}

what='' input_id='' reference_id='' max='' # set by each case file
for c in "$W"/[0-9]*; do
        # shellcheck disable=SC1091 # written by bound_test --write
        source "$c/case"
        input=$(instructions "$input_id" "$c/input")
        reference=$(instructions "$reference_id" "$c/reference")
        if [[ -z $input || -z $reference ]]; then
                not_ok "$what: counted" "$(cat "$T/cg.log")"
                continue
        fi
        ratio=$(awk -v a="$input" -v b="$reference" 'BEGIN { printf "%.1f", a / b }')
        echo "# $what: $input instructions, ${ratio}x its reference ($reference; bound ${max}x)"
        if awk -v a="$input" -v b="$reference" -v m="$max" 'BEGIN { exit !(a <= m * b) }'; then
                ok "$what: grows linearly"
        else
                not_ok "$what: grows linearly" "$input instructions, ${ratio}x its reference"
        fi
        if ((input <= INSTRUCTIONS_MAX)); then
                ok "$what: at most $INSTRUCTIONS_MAX instructions"
        else
                not_ok "$what: at most $INSTRUCTIONS_MAX instructions" "$input"
        fi
done
finish
