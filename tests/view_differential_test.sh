#!/usr/bin/env bash
# Differential: generated layouts (PATH spellings, symlinked and missing
# directories, links through /proc/self/root, volumes at unclean
# destinations, tmpfs, masks, directory modes, users and groups, a cwd
# that is a link or missing with a relative args[0]) run under
# the real runc WITHOUT edgeguard to learn which file its init really
# executes, held against the file `edgeguard check --json` chose.  Every
# candidate is a script "#!/m/LABEL/sh" that prints LABEL, so the kernel's
# interpreter names the candidate edgeguard judged and the output names the
# one that ran.  An "unknown" from edgeguard is a refusal: allowed, counted.
# EDGEGUARD_VIEW_SEED and EDGEGUARD_VIEW_TRIALS replay or widen a run.
source "$(dirname "$0")/lib.sh"
require_root

SEED=${EDGEGUARD_VIEW_SEED:-1729}
TRIALS=${EDGEGUARD_VIEW_TRIALS:-40}
RANDOM=$SEED
POOL=(/a /b /c/d /e /usr/local/bin /opt/x)

"$TOP/hack/busybox-bundle.sh" "$T/tmpl" sh >/dev/null
mkdir -p "$T/tmpl/rootfs/m"
mv "$T/tmpl/rootfs/bin/busybox" "$T/tmpl/rootfs/m/busybox"
rm -rf "$T/tmpl/rootfs/bin"
jq '.process.env = [] | .root.readonly = false' "$T/tmpl/config.json" >"$T/tmpl/c" &&
        mv "$T/tmpl/c" "$T/tmpl/config.json"

pick() { local a=("$@"); printf '%s' "${a[RANDOM % ${#a[@]}]}"; }
# an unclean spelling of the absolute path $1 that Go cleans back to it
spell() {
        case $((RANDOM % 7)) in
        0) printf '%s' "$1" ;;
        1) printf '/%s' "$1" ;;
        2) printf '%s/' "$1" ;;
        3) printf '/nonexistent/..%s' "$1" ;;
        4) printf '%s/./%s' "${1%/*}" "${1##*/}" ;;
        5) printf '/tmp/..%s' "$1" ;;
        6) printf '%s/x/..' "$1" ;;
        esac
}
labels=()
# marker FILE LABEL MODE
marker() {
        mkdir -p "$(dirname "$1")"
        printf '#!/m/%s/sh\necho %s\n' "$2" "$2" >"$1"
        chmod "$3" "$1"
        labels+=("$2")
}

matched=0 unknown=0 none=0 refused=0
for ((k = 0; k < TRIALS; k++)); do
        b=$T/t$k r=$T/t$k/rootfs n=0
        cp -a "$T/tmpl" "$b"
        labels=()
        declare -A real=()
        desc=""
        for d in "${POOL[@]}"; do
                mkdir -p "$r$(dirname "$d")"
                reals=("${!real[@]}")
                roll=$((RANDOM % 20))
                if ((roll < 3 && ${#reals[@]} > 0)); then
                        t=$(pick "${reals[@]}")
                        ln -s "$t" "$r$d"
                        desc+=" $d->$t"
                elif ((roll < 5 && ${#reals[@]} > 0)); then
                        t=$(pick "${reals[@]}")
                        ln -s "/proc/self/root$t" "$r$d"
                        desc+=" $d->/proc/self/root$t"
                elif ((roll < 6)); then
                        desc+=" $d:missing"
                else
                        mkdir -p "$r$d"
                        real[$d]=1
                        case $((RANDOM % 6)) in
                        0) chmod 0700 "$r$d" && desc+=" $d:0700" ;;
                        1) chmod 0750 "$r$d" && chgrp 4242 "$r$d" && desc+=" $d:0750:4242" ;;
                        esac
                        if ((RANDOM % 4)); then
                                mode=$(pick 0755 0755 0755 0644)
                                marker "$r$d/sh" "i$((n++))" "$mode"
                                desc+=" $d/sh:$mode"
                        fi
                fi
        done
        mounts='[]'
        for ((v = 0; v < RANDOM % 3; v++)); do
                dest=$(pick "${POOL[@]}")
                mkdir -p "$b-vol$v"
                ((RANDOM % 5)) && marker "$b-vol$v/sh" "v$((n++))" 0755
                dest=$(spell "$dest")
                ((RANDOM % 10)) || dest=${dest#/}
                mounts=$(jq -c --arg d "$dest" --arg s "$b-vol$v" \
                        '. + [{destination: $d, type: "bind", source: $s, options: ["rbind"]}]' <<<"$mounts")
                desc+=" vol@$dest"
        done
        if ((RANDOM % 5 == 0)); then
                dest=$(pick "${POOL[@]}")
                mounts=$(jq -c --arg d "$dest" '. + [{destination: $d, type: "tmpfs", source: "tmpfs"}]' <<<"$mounts")
                desc+=" tmpfs@$dest"
        fi
        masks='[]'
        if ((RANDOM % 5 == 0)); then
                m=$(pick "${POOL[@]}")
                masks="[\"$m\"]"
                desc+=" mask:$m"
        fi
        path=""
        for ((p = 0; p <= RANDOM % 4; p++)); do
                path+="${path:+:}$(spell "$(pick "${POOL[@]}")")"
        done
        user='{"uid": 0, "gid": 0}'
        case $((RANDOM % 3)) in
        1) user='{"uid": 1000, "gid": 1000}' ;;
        2) user='{"uid": 1000, "gid": 1000, "additionalGids": [4242]}' ;;
        esac
        arg0="sh" cwd=/
        ((RANDOM % 5)) || arg0="$(pick "${POOL[@]}")/sh"
        if ((RANDOM % 4 == 0)); then
                # relative to a cwd that may be a link, missing (runc makes it) or masked
                cwd=$(pick "${POOL[@]}" /new/dir)
                arg0=$(pick ./sh ../b/sh ../../a/sh sh)
        fi
        desc="PATH=$path cwd=$cwd args[0]=$arg0 user=$(jq -c . <<<"$user")$desc"
        for l in "${labels[@]}"; do
                mkdir -p "$r/m/$l"
                ln -s /m/busybox "$r/m/$l/sh"
        done
        jq --argjson m "$mounts" --argjson k "$masks" --argjson u "$user" --arg p "PATH=$path" \
                --arg a "$arg0" --arg c "$cwd" \
                '.mounts += $m | .linux.maskedPaths += $k | .process.user = $u |
                 .process.env = [$p] | .process.args = [$a] | .process.cwd = $c' \
                "$b/config.json" >"$b/c" &&
                mv "$b/c" "$b/config.json"

        ran=$(runc "${G[@]}" run --bundle "$b" "t$k" </dev/null 2>"$T/runc.err")
        runc "${G[@]}" delete --force "t$k" >/dev/null 2>&1
        # runc 1.1.5 refuses a relative mount destination before anything runs
        if [[ ! $ran =~ ^[iv][0-9]+$ ]]; then
                ran=none
                grep -q 'mount destination not absolute' "$T/runc.err" && ran=spec-refused
        fi
        json=$("$EG" check --json "$b")
        file=$(jq -r '.detected.file // ""' <<<"$json")
        problem=$(jq -r '.detected.problem // ""' <<<"$json")
        if [[ $file =~ ^/m/([iv][0-9]+)/sh$ ]]; then
                judged=${BASH_REMATCH[1]}
        elif [[ $problem == *"does not model"* || $problem == *"not evaluate"* ]]; then
                judged=unknown
        else
                judged=none
        fi
        if [[ $ran == spec-refused ]]; then
                ok "trial $k: runc refuses the spec itself (edgeguard judged $judged)"
                refused=$((refused + 1))
        elif [[ $judged == "$ran" ]]; then
                ok "trial $k: $ran"
                [[ $ran == none ]] && none=$((none + 1)) || matched=$((matched + 1))
        elif [[ $judged == unknown ]]; then
                ok "trial $k: refused as unknown (runc ran: $ran)"
                unknown=$((unknown + 1))
        else
                not_ok "trial $k (seed $SEED): edgeguard judged $judged, runc ran $ran" "$desc" \
                        "$(jq -c .detected <<<"$json")"
        fi
        unset real
        rm -rf "$b" "$b"-vol*
done
echo "# $matched ran the judged file, $none found nothing on both sides, $unknown unknown," \
        "$refused refused by runc itself"
check "a third of the trials or more ran a file (the test is not vacuous)" test $((matched * 3)) -ge "$TRIALS"
check "few trials are unknown to the model" test $((unknown * 5)) -le "$TRIALS"
check_eq "nothing left in runc's state" "$(containers)" 0
finish
