# shellcheck shell=bash
# Shared by argv_vs_runc_test.sh and argv_vs_crun_test.sh (sourced after
# lib.sh): the generated command lines and the verdicts.  A suite sets
# `units` (whole "flag value" units, so that well-formed lines and their
# near misses are both common) and `tokens` (raw words), seeds RANDOM, and
# for each line compares argv_vs_ours' we_say with the engine's own answer.
# shellcheck disable=SC2154 # units and tokens are the suite's
# shellcheck disable=SC2034 # status, bundle, id, we_say are the suite's to read
agree=0
declare -a disagreements=()

# argv_vs_append LINE: appends 1-6 units or raw tokens to the array LINE.
argv_vs_append() {
        local -n _line=$1
        local k len
        local -a unit
        for ((k = 0, len = 1 + RANDOM % 6; k < len; k++)); do
                if ((RANDOM % 10 < 7)); then
                        read -r -a unit <<<"${units[RANDOM % ${#units[@]}]}"
                        _line+=("${unit[@]}")
                else
                        _line+=("${tokens[RANDOM % ${#tokens[@]}]}")
                fi
        done
}

# argv_vs_ours DUMP ARGS...: what edgeguard's grammar reads, in status,
# bundle, id and we_say ("bundle B", "help" or "usage error"); ours is the
# dump's whole line.
argv_vs_ours() {
        local dump=$1; shift
        ours=$("$dump" --root "$T/state" "$@")
        read -r status _ bundle id <<<"$ours"
        case $status in
        ok) we_say="bundle $bundle" ;;
        help) we_say=help ;;
        *) we_say="usage error" ;;
        esac
}

# argv_vs_compare ENGINE THEIRS ARGS...: counts an agreement, or keeps the
# line (ARGS) with both answers.
argv_vs_compare() {
        local engine=$1 theirs=$2; shift 2
        if [[ $we_say == "$theirs" ]]; then
                agree=$((agree + 1))
        else
                disagreements+=("$(printf '%q ' "$@")=> $engine: $theirs; edgeguard: $we_say ($ours)")
        fi
}

# argv_vs_verdict ENGINE LINES [NOTE]: one line for the whole stream.
argv_vs_verdict() {
        if [[ ${#disagreements[@]} -eq 0 ]]; then
                ok "edgeguard and $1 agree on all $agree generated command lines${3:+ ($3)}"
        else
                not_ok "edgeguard and $1 disagree on ${#disagreements[@]} of $2 command lines" "${disagreements[@]:0:15}"
        fi
}
