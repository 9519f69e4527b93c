#!/usr/bin/env bash
# The engine plugin against the real dockerd 20.10: edgeguard-authz serving
# /run/docker/plugins/edgeguard.sock and a private dockerd (hack/dockerd.sh)
# with "authorization-plugins": ["edgeguard"].  dockerd looks for plugins
# only in fixed directories, so the suite runs in its own mount namespace
# with tmpfs over /run/docker/plugins and /etc/docker: the machine's own
# docker, its plugins and /etc/docker are never seen or touched.
# Run it under flock /tmp/edgeguard-engines.lock, like every engine test.
if [[ -z ${EDGEGUARD_AUTHZ_NS:-} ]]; then
        [[ $(id -u) -eq 0 ]] || { echo "not ok - authz_test.sh needs root"; echo "0 passed, 1 failed"; exit 1; }
        EDGEGUARD_AUTHZ_NS=1 exec "$(dirname "$0")/../hack/plugin-ns.sh" "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
require_root
check_eq "a private /run/docker/plugins (hack/plugin-ns.sh)" "$(findmnt -n -o SOURCE /run/docker/plugins)" edgeguard-plugins

DOCKER=${DOCKER:-/usr/bin/docker}
AUTHZ=$TOP/edgeguard-authz
SOCK=/run/docker/plugins/edgeguard.sock
D=$T/d
mkdir -p "$D"
DECISIONS=$D/decisions.jsonl
unset EDGEGUARD_DECISION_LOG
docker() { "$DOCKER" "$@"; }
quiet() { "$@" >/dev/null 2>&1; }
policy() { jq -n --arg log "$DECISIONS" --arg root "$D/data" "{decision_log: \$log, docker_root: \$root, repeat_window: 0} + ${1:-{\}}" >"$D/policy.json"; }
authz_record() { jq -c --arg name "$1" 'select(.door == "authz" and .name == $name)' "$DECISIONS" | tail -n 1; }
api() { curl -s --max-time 60 --unix-socket "$D/docker.sock" "$@"; }

# plugin_start: edgeguard-authz, returning on its own READY=1
plugin_start() {
        PLUGIN_PID=$("$HELPERS/sd_notify_wait" 30 "$T/plugin.log" -- "$AUTHZ" --socket "$SOCK" \
                --policy "$D/policy.json" --docker-host "unix://$D/docker.sock")
}
plugin_stop() {
        if [[ -n ${PLUGIN_PID:-} ]]; then
                kill -TERM "$PLUGIN_PID" 2>/dev/null && timeout 30 "$HELPERS/pidwait" "$PLUGIN_PID"
                PLUGIN_PID=""
        fi
}
dockerd_stop() { "$TOP/hack/dockerd.sh" stop "$D"; }
on_exit plugin_stop
on_exit dockerd_stop

policy
if ! plugin_start; then
        not_ok "edgeguard-authz starts and says READY=1" "$(cat "$T/plugin.log")"
        finish
fi
ok "edgeguard-authz starts and says READY=1"
check "... serving $SOCK" test -S "$SOCK"
check_eq "/Plugin.Activate: authz" "$(curl -s --unix-socket "$SOCK" -X POST http://plugin/Plugin.Activate)" '{"Implements":["authz"]}'
# the plugin must be there before dockerd: dockerd exits without it
if ! AUTHZ_PLUGIN=edgeguard "$TOP/hack/dockerd.sh" start "$D"; then
        not_ok "the private dockerd starts with the plugin (hack/dockerd.sh start)"
        finish
fi
ok "the private dockerd starts with the plugin"
export DOCKER_HOST=unix://$D/docker.sock DOCKER_CONFIG=$D/client
check_eq "dockerd registered it" "$(docker info --format '{{json .Plugins.Authorization}}')" '["edgeguard"]'

"$TOP/hack/test-images.sh" "$T/images"
read -r NATIVE FOREIGN <"$T/images/platforms"
docker import --change 'CMD ["/bin/sh"]' "$T/images/native-rootfs.tar" edgeguard-test/native:1 >/dev/null
docker load -q -i "$T/images/edgeguard-test_foreign_1.tar" >/dev/null
check "the test images are loaded" quiet docker image inspect edgeguard-test/native:1 edgeguard-test/foreign:1
NET=(--network none)

# ---- native: created and run; the plugin's record says so
check_eq "native: docker run" "$(docker run --rm "${NET[@]}" --name native-mod edgeguard-test/native:1 echo ran)" ran
check_eq "... allowed at create by the plugin: the image's platform from dockerd" \
        "$(authz_record native-mod | jq -r '[.decision, .verb, .image, .declared.arch, .declared.source, .rules.arch.result, .rules.runtime.result] | join(",")')" \
        "allow,create,edgeguard-test/native:1,$NATIVE,image config,pass,pass"
check_eq "... judged by its binaries, the executable recorded as the runtime records it" \
        "$(authz_record native-mod | jq -r '[.detected.file, .detected.arch, .rules.metadata.result] | join(",")')" \
        "/bin/echo,$NATIVE,pass"

# ---- foreign: refused at create, nothing created
out=$(docker run "${NET[@]}" --name foreign-mod edgeguard-test/foreign:1 true 2>&1)
check_eq "foreign: docker run fails" "$?" 125
check_contains "... refused by the plugin, the reason in docker run's error" "$out" \
        "authorization denied by plugin edgeguard: refused a new container (name foreign-mod, image edgeguard-test/foreign:1): /bin/true is linux/$FOREIGN"
check_contains "... naming the rule" "$out" "[rule arch]"
check_eq "... and no container was created" "$(docker ps -aq --filter name=foreign-mod)" ""
check_eq "... recorded" "$(authz_record foreign-mod | jq -r '[.decision, .rule, .door] | join(",")')" "refuse,arch,authz"

# ---- the bypass: another runtime
out=$(docker run --rm "${NET[@]}" --runtime runc --name bypass edgeguard-test/native:1 true 2>&1)
check_eq "--runtime runc: refused" "$?" 125
check_contains "... for the runtime" "$out" "it asks for the runtime \"runc\" (HostConfig.Runtime)"
check_eq "... nothing created" "$(docker ps -aq --filter name=bypass)" ""
out=$(docker run --rm "${NET[@]}" --runtime io.containerd.runc.v2 edgeguard-test/native:1 true 2>&1)
check_contains "--runtime io.containerd.runc.v2: refused" "$out" "[rule runtime]"
out=$(docker run --rm "${NET[@]}" --isolation hyperv --name hv edgeguard-test/native:1 true 2>&1)
check_contains "--isolation hyperv: refused by the plugin (before dockerd's own error)" "$out" \
        "authorization denied by plugin edgeguard: refused a new container (name hv, image edgeguard-test/native:1): it asks for Hyper-V isolation"

# ---- raw API requests: what dockerd reads, the plugin reads
create() { api -X POST -H 'Content-Type: application/json' "$@"; }
out=$(create "http://d/v1.41/containers/create?name=lc" -d '{"Image":"edgeguard-test/native:1","hostconfig":{"Runtime":"runc"}}')
check_contains "\"hostconfig\": refused (Go folds it onto HostConfig)" "$out" 'hostconfig: key that dockerd (Go'"'"'s case-insensitive match) reads as \"HostConfig\"'
out=$(create "http://d/v1.41/containers/create?name=sf" -d '{"Image":"edgeguard-test/native:1","HostConfig":{"Iſolation":"hyperv"}}')
check_contains "\"Iſolation\" (U+017F): refused" "$out" 'reads as \"Isolation\"'
out=$(create "http://d/v1.41/containers/create?name=dup" -d '{"Image":"edgeguard-test/native:1","HostConfig":{"Runtime":"edgeguard","Runtime":"runc"}}')
check_contains "a duplicate key: refused" "$out" "duplicate key (Go would keep the last one)"
out=$(create "http://d/v1.41/containers/create?name=top" -d '{"Image":"edgeguard-test/native:1","Runtime":"runc"}')
check_contains "a top-level Runtime (no HostConfig): refused" "$out" "the top-level Runtime"
out=$(create "http://d/v1.41/containers/cre%61te?name=pct" -d '{"Image":"edgeguard-test/native:1","HostConfig":{"Runtime":"runc"}}')
check_contains "/containers/cre%61te is a create: refused" "$out" "[rule runtime]"
check_eq "... none of them was created" "$(docker ps -aq --filter name=lc --filter name=sf --filter name=dup --filter name=top --filter name=pct)" ""
head -c 1100000 /dev/zero | tr '\0' a >"$T/big"
jq -n --rawfile big "$T/big" '{Image: "edgeguard-test/native:1", Labels: {big: $big}, HostConfig: {Runtime: "runc"}}' >"$T/big.json"
out=$(create "http://d/v1.41/containers/create?name=big" --data-binary @"$T/big.json")
check_contains "a body over 1 MiB (dockerd sends the plugin none): refused" "$out" "dockerd sent no body with this create"
# dockerd 20.10 hands a chunked body (no Content-Length) to the plugin too
out=$(create -H 'Transfer-Encoding: chunked' "http://d/v1.41/containers/create?name=chunked" -d '{"Image":"edgeguard-test/native:1","HostConfig":{"Runtime":"runc"}}')
check_contains "a chunked body: read and refused" "$out" "(name chunked, image edgeguard-test/native:1): it asks for the runtime"
check_eq "... neither created" "$(docker ps -aq --filter name=big --filter name=chunked)" ""
check_eq "every refusal above is in the log, each line whole" \
        "$(jq -r 'select(.door == "authz" and .decision == "refuse") | .rule' "$DECISIONS" | sort | uniq -c | tr -s ' ' | tr '\n' ';')" \
        " 1 arch; 4 config; 1 hyperv; 5 runtime;"
# ---- the image's binaries, read from dockerd's store at create
docker load -q -i "$T/images/edgeguard-test_label-native-holds-foreign_1.tar" >/dev/null
docker load -q -i "$T/images/edgeguard-test_foreign-interpreter_1.tar" >/dev/null
out=$(docker create "${NET[@]}" --name liar edgeguard-test/label-native-holds-foreign:1 2>&1)
check_eq "a lying image (labelled $NATIVE, $FOREIGN binaries): docker create fails" "$?" 1
check_contains "... refused by the plugin for its binary, named" "$out" \
        "authorization denied by plugin edgeguard: refused a new container (name liar, image edgeguard-test/label-native-holds-foreign:1): /bin/sh"
check_contains "... which is $FOREIGN" "$out" "linux/$FOREIGN"
check_eq "... and no container was created" "$(docker ps -aq --filter name=liar)" ""
check_eq "... recorded: the executable, the label it contradicts" \
        "$(authz_record liar | jq -r '[.decision, .rule, .detected.file, .detected.arch, .declared.arch, .rules.metadata.result] | join(",")')" \
        "refuse,arch,/bin/sh,$FOREIGN,$NATIVE,fail"
out=$(docker create "${NET[@]}" --name interp edgeguard-test/foreign-interpreter:1 2>&1)
check_contains "a native image whose entrypoint script's #! names a $FOREIGN busybox: refused" "$out" \
        "authorization denied by plugin edgeguard: refused a new container (name interp"
check_contains "... for the program behind the script" "$out" "/opt/$FOREIGN/busybox"
out=$(docker create "${NET[@]}" --entrypoint "/opt/$FOREIGN/busybox" --name override edgeguard-test/foreign-interpreter:1 true 2>&1)
check_contains "--entrypoint to the image's $FOREIGN binary: refused, naming it" "$out" \
        "refused a new container (name override, image edgeguard-test/foreign-interpreter:1): /opt/$FOREIGN/busybox"
check_eq "... nothing created" "$(docker ps -aq --filter name=interp --filter name=override)" ""
check "--entrypoint /bin/sh (native) on the same image: created" \
        quiet docker create "${NET[@]}" --entrypoint /bin/sh --name override-ok edgeguard-test/foreign-interpreter:1 -c true
check_eq "... its record names the executable the override made" \
        "$(authz_record override-ok | jq -r '[.decision, .detected.file, .detected.arch] | join(",")')" "allow,/bin/sh,$NATIVE"
docker rm -f override-ok >/dev/null
out=$(create "http://d/v1.41/containers/create?name=envpath" -d '{"Image":"edgeguard-test/foreign-interpreter:1","Entrypoint":["busybox"],"Cmd":["true"],"Env":["PATH=/opt/'"$FOREIGN"'"]}')
check_contains "Env's PATH (merged over the image's by key) leads to the $FOREIGN busybox: refused" "$out" "/opt/$FOREIGN/busybox"
# binaries that cannot be read (the layer's cache-id, which dockerd read at
# start, now names nothing): only the label is judged, and rule unknown says why
root=$(docker info -f '{{.DockerRootDir}}')
liar_id=$(docker image inspect -f '{{.Id}}' edgeguard-test/label-native-holds-foreign:1)
diff_id=$(jq -r '.rootfs.diff_ids[0]' "$root/image/overlay2/imagedb/content/sha256/${liar_id#sha256:}")
cache_id=$root/image/overlay2/layerdb/sha256/${diff_id#sha256:}/cache-id
cp "$cache_id" "$T/cache-id"
printf 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef >"$cache_id"
check "binaries unreadable, the default policy (unknown noted): created, judged by its label" \
        quiet docker create "${NET[@]}" --name unread edgeguard-test/label-native-holds-foreign:1
check_contains "... the record's rule unknown says why" "$(authz_record unread | jq -r '[.rules.unknown.result, .rules.unknown.detail] | join(",")')" \
        "fail,the image's binaries could not be read ("
docker rm -f unread >/dev/null
policy '{unknown: "refuse"}'
out=$(docker create "${NET[@]}" --name unread2 edgeguard-test/label-native-holds-foreign:1 2>&1)
check_contains "... with \"unknown\": \"refuse\": refused" "$out" "[rule unknown]"
check_eq "... nothing created" "$(docker ps -aq --filter name=unread2)" ""
policy
cp "$T/cache-id" "$cache_id"
# a start below API 1.24 may carry a HostConfig, which dockerd 20.10 applies
# over the one judged at create (--runtime runc after the fact)
quiet docker create "${NET[@]}" --name legacy edgeguard-test/native:1
before=$(docker inspect -f '{{.HostConfig.Runtime}} {{.HostConfig.Privileged}}' legacy)
out=$(create "http://d/v1.23/containers/legacy/start" -d '{"Runtime":"runc","Privileged":true}')
check_contains "a start at API 1.23 with a HostConfig: refused" "$out" "applies as the container's HostConfig"
check_eq "... the container keeps the settings judged at create" \
        "$(docker inspect -f '{{.HostConfig.Runtime}} {{.HostConfig.Privileged}} {{.State.Status}}' legacy)" "$before created"
quiet docker rm -f legacy

# ---- the privilege rules, with exceptions by module name
policy '{privileged: "refuse", seccomp_required: true, capabilities: "docker-default",
        exceptions: [{name: "trusted-*", rules: ["privileged", "seccomp"], capabilities: ["CAP_SYS_ADMIN"], reason: "vendor module"},
                {name: "trusted-priv*", rules: ["privileged", "seccomp", "capabilities"], reason: "vendor module, privileged"}]}'
for case in "--privileged:privileged" "--cap-add SYS_ADMIN:capabilities" "--security-opt seccomp=unconfined:seccomp"; do
        args=${case%:*} rule=${case##*:}
        # shellcheck disable=SC2086 # the options, one per word
        out=$(docker create "${NET[@]}" $args --name priv edgeguard-test/native:1 2>&1)
        check_contains "$args: refused by the plugin, rule $rule" "$out" "authorization denied by plugin edgeguard: refused a new container (name priv, image edgeguard-test/native:1)"
        check_contains "... rule $rule" "$out" "[rule $rule]"
done
check_eq "... none created" "$(docker ps -aq --filter name=priv)" ""
out=$(docker create "${NET[@]}" --privileged --name trusted-mod edgeguard-test/native:1 2>&1)
check_contains "--privileged for trusted-mod, whose exception leaves capabilities enforced: refused" "$out" "are beyond the allow-list (--privileged grants every capability)"
check "--privileged for trusted-priv-mod (an exception by name): created" quiet docker create "${NET[@]}" --privileged --name trusted-priv-mod edgeguard-test/native:1
check_eq "... its record names the exceptions" "$(authz_record trusted-priv-mod | jq -r '[.rules.privileged.action, .rules.seccomp.action, .rules.capabilities.action] | join(",")')" "excepted,excepted,excepted"
for args in "--cap-add SYS_ADMIN" "--security-opt seccomp=unconfined"; do
        # shellcheck disable=SC2086
        check "$args for trusted-mod (an exception by name): created" quiet docker create "${NET[@]}" $args --name trusted-mod edgeguard-test/native:1
        docker rm -f trusted-mod >/dev/null 2>&1
done
docker rm -f trusted-priv-mod >/dev/null
check_eq "... its record names the exception" "$(authz_record trusted-mod | jq -r .rules.seccomp.action)" excepted
out=$(create "http://d/v1.41/containers/create?name=tp" -d '{"Image":"edgeguard-test/native:1","Privileged":true}')
check_contains "a top-level Privileged (dockerd ≤ 26 reads it): refused" "$out" "[rule privileged]"
docker run -d "${NET[@]}" --name svc edgeguard-test/native:1 sleep 1000 >/dev/null
out=$(docker exec --privileged svc true 2>&1)
check_contains "docker exec --privileged: refused" "$out" "authorization denied by plugin edgeguard: refused container \"svc\": an exec with Privileged: true"
check_eq "docker exec (not privileged): allowed" "$(docker exec svc echo inside)" inside
docker rm -f svc >/dev/null

# ---- audit mode: allowed, recorded as what would have been refused
policy '{mode: "audit"}'
check "audit mode: the foreign module is created" quiet docker create "${NET[@]}" --name audited edgeguard-test/foreign:1
check_eq "... recorded as audit" "$(authz_record audited | jq -r '[.decision, .rule] | join(",")')" "audit,arch"
docker rm -f audited >/dev/null
policy

# ---- 200 concurrent API calls: all answered, every record whole
lines_before=$(wc -l <"$DECISIONS")
for i in $(seq 1 100); do
        api -o /dev/null -w '%{http_code}\n' "http://d/_ping" >"$T/ping.$i" &
        create -o /dev/null -w '%{http_code}\n' "http://d/v1.41/containers/create?name=burst$i" \
                -d '{"Image":"edgeguard-test/native:1","HostConfig":{"Runtime":"runc"}}' >"$T/create.$i" &
done
wait
check_eq "200 concurrent calls: 100 pings answered 200" "$(cat "$T"/ping.* | sort | uniq -c | tr -s ' ')" " 100 200"
check_eq "... 100 creates answered 403" "$(cat "$T"/create.* | sort | uniq -c | tr -s ' ')" " 100 403"
check_eq "... 100 new records, each a whole JSON line" \
        "$(tail -n +$((lines_before + 1)) "$DECISIONS" | jq -r '.name' | grep -c '^burst')" 100

# ---- a hanging image callback is bounded (a second plugin, asking a dockerd that never answers)
mkfifo "$T/hang.ready"
python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(64)
open(sys.argv[2], "w").write("ready\n")
conns=[]
while True: conns.append(s.accept())' "$T/hang.sock" "$T/hang.ready" &
hang_pid=$!
on_exit "kill $hang_pid"
read -r _ <"$T/hang.ready"
"$HELPERS/sd_notify_wait" 30 "$T/plugin2.log" -- "$AUTHZ" --socket "$T/p2.sock" --policy "$D/policy.json" --docker-host "unix://$T/hang.sock" >"$T/plugin2.pid"
on_exit "kill $(cat "$T/plugin2.pid")"
body=$(printf '{"Image":"edgeguard-test/native:1","HostConfig":{}}' | base64 -w0)
start=$(date +%s%N)
out=$(curl -s --max-time 30 --unix-socket "$T/p2.sock" -X POST http://p/AuthZPlugin.AuthZReq \
        -d "{\"RequestMethod\":\"POST\",\"RequestUri\":\"/v1.41/containers/create?name=hang\",\"RequestBody\":\"$body\"}")
ms=$((($(date +%s%N) - start) / 1000000))
check_eq "a hanging image callback: answered (allowed, unknown is only noted by default)" "$out" '{"Allow":true}'
check "... within the 5 s bound and not much later (took ${ms} ms)" test "$ms" -ge 4900 -a "$ms" -lt 7500
check_contains "... the record says why" "$(authz_record hang | jq -r .rules.unknown.detail)" "no answer from dockerd in time"

# ---- the recorded Windows requests, on a simulated Windows host
policy '{host: "windows/amd64"}'
post() { curl -s --unix-socket "$SOCK" -X POST http://p/AuthZPlugin.AuthZReq --data-binary @"$TOP/tests/data/authz/$1"; }
check_contains "windows: Hyper-V isolation refused" "$(post windows-hyperv-create.json)" "it asks for Hyper-V isolation"
check_contains "windows: \"HyperV\" too (dockerd compares without case)" "$(post windows-hyperv-uppercase-create.json)" "it asks for Hyper-V isolation"
check_eq "windows: process isolation allowed (the image is not in this dockerd)" "$(post windows-process-create.json)" '{"Allow":true}'
check_eq "... its record has IoT Edge's labels" "$(authz_record SimulatedTemperatureSensor | jq -r .engine.detail)" \
        'net.azure-devices.edge.owner=Microsoft.Azure.Devices.Edge.Agent; net.azure-devices.edge.env={}'
check_eq "windows: a list is allowed at once, without a record" "$(post windows-list.json)" '{"Allow":true}'
check_contains "windows: a create without a body refused" "$(post windows-create-no-body.json)" "dockerd sent no body"
head -c 2200000 /dev/zero | tr '\0' a >"$T/huge"
check_contains "an AuthZ request over 2 MiB posted to the plugin: refused unread" \
        "$(curl -s --unix-socket "$SOCK" -X POST http://p/AuthZPlugin.AuthZReq --data-binary @"$T/huge")" "is over 2097152 bytes"
check_eq "... and logged" "$(jq -r 'select(.reason | contains("is over 2097152 bytes")) | .rule' "$DECISIONS")" config
policy
for f in "$TOP"/tests/data/authz/*.json; do
        EG_OUT=$("$AUTHZ" check --policy "$D/policy.json" --host windows/amd64 --image-platform windows/amd64 \
                --daemon-isolation hyperv --default-runtime edgeguard "$f")
        rc=$?
        case $(basename "$f") in
        windows-list.json | windows-exec-privileged.json | windows-process-create.json) want=0 ;;
        *) want=1 ;;
        esac
        check_eq "edgeguard-authz check $(basename "$f"): exit $want ($EG_OUT)" "$rc" "$want"
done
out=$("$AUTHZ" check --policy "$D/policy.json" --host windows/amd64 --image-platform windows/amd64 \
        --daemon-isolation hyperv --default-runtime edgeguard "$TOP/tests/data/authz/windows-default-isolation-create.json")
check_contains "check: default isolation on a Hyper-V-default daemon is Hyper-V" "$out" "whose default is Hyper-V (GET /info)"
out=$("$AUTHZ" check --policy "$D/policy.json" --host "windows(10.0.17763)/amd64" --image-platform "windows(10.0.20348.1)/amd64" \
        --daemon-isolation process --default-runtime edgeguard "$TOP/tests/data/authz/windows-process-create.json")
check_contains "check: a Windows Server 2022 image, process-isolated on build 17763: refused" "$out" "[rule windows_build]"

# ---- the plugin killed: every API call stalls, then fails; restarted: dockerd recovers
kill -KILL "$PLUGIN_PID"
timeout 30 "$HELPERS/pidwait" "$PLUGIN_PID"
PLUGIN_PID=""
start=$(date +%s%N)
out=$(api -w ' %{http_code}' http://d/_ping)
ms=$((($(date +%s%N) - start) / 1000000))
echo "# with the plugin dead, GET /_ping failed after $ms ms"
check_contains "plugin dead: GET /_ping fails with 500, naming the plugin" "$out" "edgeguard"
check_contains "... 500" "$out" " 500"
start=$(date +%s%N)
out=$(docker ps 2>&1)
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "# with the plugin dead, docker ps failed after $ms ms"
check_eq "plugin dead: docker ps fails" "$rc" 1
check_contains "... naming the plugin" "$out" "plugin edgeguard"
rm -f "$SOCK"
check "plugin restarted" plugin_start
check "... docker ps works again" quiet docker ps
check_eq "... and creates are judged again" "$(docker run --rm "${NET[@]}" --runtime runc edgeguard-test/native:1 true 2>&1 | grep -c 'rule runtime')" 1

finish
