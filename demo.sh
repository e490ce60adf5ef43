#!/usr/bin/env bash
# Meshkeeper demo: the registry server, three inventory-service instances (two of version v1, one of v2) and two
# order-service instances, each its own process on 127.0.0.1. Shows requests balanced across the inventory
# instances, a 90/10 split between the versions, one instance stopped gracefully and one killed hard (kill -9) while
# requests keep flowing, a cluster-wide rate limit turned on and off live, reserves shared stock under a distributed
# lock with fencing tokens (and a restock written with ZooKeeper's CLI reaching both instances), pauses the registry
# server for 10 s under a stream of quotes (reads keep answering from memory, reservations are refused at once),
# moves the leadership of order-service's scheduled job by stopping its leader, moves order-service's 12 work
# partitions by starting a third instance and stopping it again, slows one inventory instance down live and shows
# least-loaded balancing sending the quotes elsewhere until it recovers, changes order-service's config live
# (and has an invalid value rejected), and leaves the stack running.
#
#   ./demo.sh            build, start everything, show it all, leave it running
#   ./demo.sh --no-build the same with the jars already built
#   ./demo.sh status     what is running
#   ./demo.sh stop       stop everything the demo started
#
# Logs and pid files live in .demo/ (logs in .demo/logs/, the registry's data in .demo/registry-data/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEMO_DIR="$ROOT/.demo"
LOG_DIR="$DEMO_DIR/logs"
PID_DIR="$DEMO_DIR/pids"
DATA_DIR="$DEMO_DIR/registry-data"
HOST=127.0.0.1

# Every process listens on a random free port of 127.0.0.1, chosen when the demo starts (below the kernel's ephemeral
# range) and kept in .demo/ports for the URLs the demo prints and for `status`. DEMO_FIXED_PORTS=1 uses the fixed
# ones instead: ZooKeeper 2181, the registry's HTTP 8181, order-service 8080, 8083 and 8085, inventory 8081, 8082 and
# 8084.
PORT_NAMES=(ZOOKEEPER_PORT REGISTRY_HTTP_PORT ORDER_PORT INVENTORY_1_PORT INVENTORY_2_PORT ORDER_2_PORT
    INVENTORY_V2_PORT ORDER_3_PORT)
FIXED_PORTS=(2181 8181 8080 8081 8082 8083 8084 8085)
PORTS_FILE="$DEMO_DIR/ports"
PORTS=()
if [[ -f "$PORTS_FILE" ]]; then
    # shellcheck disable=SC1090
    . "$PORTS_FILE"
fi

# Stop order: consumers first, the registry last.
SERVICES=(order-service-3 order-service-2 order-service inventory-v2 inventory-2 inventory-1 registry-server)

START_TIMEOUT="${DEMO_START_TIMEOUT:-240}"
STOP_TIMEOUT="${DEMO_STOP_TIMEOUT:-60}"
JAVA_OPTS_DEMO="${DEMO_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
SKU=DEMO-1
# Reservations use a SKU of their own per run: the stock is kept in ZooKeeper (the registry's data dir) across runs.
RESERVE_SKU="DEMO-R$(date +%s)"
MAX_QUANTITY_PATH=/config/order-service/orders/max-quantity
RATE_LIMIT_PATH=/config/inventory-service/inventory/rate-limit
# How order-service splits its calls to inventory-service between the versions.
VERSION_SPLIT=v1=90,v2=10
SPLIT_QUOTES=200
# How long the outage step pauses the registry server (SIGSTOP, then SIGCONT).
OUTAGE_SECONDS="${DEMO_OUTAGE_SECONDS:-10}"
# The order-service instance quotes are asked from (the slow-instance step uses order-service-3).
QUOTE_PORT=${ORDER_PORT:-}
# The per-instance config context of the inventory instance the slow-instance step slows down (profile "slow").
SLOW_LATENCY_PATH=/config/inventory-service,slow/inventory/simulated-latency
STREAM_PID=
STREAM_TOTAL=0
STREAM_FAILED=0

say() { printf '%s\n' "$*"; }
step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'demo: %s\n' "$*" >&2; exit 1; }

pid_file() { printf '%s/%s.pid' "$PID_DIR" "$1"; }

# The pid recorded for a service, if that process is still ours (a java process running the demo's jar).
running_pid() {
    local file pid args
    file="$(pid_file "$1")"
    [[ -f "$file" ]] || return 1
    pid="$(cat "$file" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    args="$(ps -p "$pid" -o args= 2>/dev/null || true)"
    [[ "$args" == *java* && "$args" == *"$ROOT"* ]] || return 1
    printf '%s' "$pid"
}

stop_service() {
    local name="$1" pid waited=0
    if ! pid="$(running_pid "$name")"; then
        rm -f "$(pid_file "$name")"
        return 0
    fi
    # A process paused by the outage step (SIGSTOP) would hold SIGTERM until continued.
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && (( waited < STOP_TIMEOUT * 2 )); do
        sleep 0.5
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "    $name (pid $pid) did not stop within ${STOP_TIMEOUT}s of SIGTERM; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    else
        say "    $name (pid $pid) stopped"
    fi
    rm -f "$(pid_file "$name")"
}

stop_all() {
    local name
    for name in "${SERVICES[@]}"; do
        stop_service "$name"
    done
}

status() {
    local name pid any=0
    for name in "${SERVICES[@]}"; do
        if pid="$(running_pid "$name")"; then
            say "$name: running (pid $pid), log $LOG_DIR/$name.log"
            any=1
        else
            say "$name: not running"
        fi
    done
    if [[ -f "$PORTS_FILE" ]]; then
        say "ports of the last start: $(tr '\n' ' ' <"$PORTS_FILE")"
    fi
    return $((1 - any))
}

port_in_use() {
    (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# free_port TAKEN...: a random port of 127.0.0.1 in 20000-31999 that nothing listens on and is not among TAKEN.
free_port() {
    local port tries taken=" $* "
    for (( tries = 0; tries < 200; tries++ )); do
        port=$(( 20000 + RANDOM % 12000 ))
        if [[ "$taken" != *" $port "* ]] && ! port_in_use "$port"; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

# Chooses the ports of this run (random free ones, or the fixed ones with DEMO_FIXED_PORTS=1) and writes them to
# .demo/ports.
choose_ports() {
    local i name port
    PORTS=()
    for i in "${!PORT_NAMES[@]}"; do
        name="${PORT_NAMES[$i]}"
        if [[ -n "${DEMO_FIXED_PORTS:-}" ]]; then
            port="${FIXED_PORTS[$i]}"
        else
            port="$(free_port "${PORTS[@]}")" || fail "found no free port on $HOST between 20000 and 31999"
        fi
        PORTS+=("$port")
        printf -v "$name" '%s' "$port"
    done
    QUOTE_PORT=$ORDER_PORT
    for name in "${PORT_NAMES[@]}"; do
        printf '%s=%s\n' "$name" "${!name}"
    done >"$PORTS_FILE"
}

check_ports_free() {
    local port busy=()
    for port in "${PORTS[@]}"; do
        if port_in_use "$port"; then
            busy+=("$port")
        fi
    done
    if (( ${#busy[@]} > 0 )); then
        for port in "${busy[@]}"; do
            printf 'demo: port %s on %s is already in use; the demo needs it free.\n' "$port" "$HOST" >&2
        done
        fail "stop whatever listens there (e.g. 'ss -ltnp | grep :${busy[0]}') and run ./demo.sh again"
    fi
}

one_jar() {
    local pattern="$1" jars
    # shellcheck disable=SC2206
    jars=($pattern)
    [[ ${#jars[@]} -eq 1 && -f "${jars[0]}" ]] || fail "expected exactly one jar matching $pattern; build with ./demo.sh (without --no-build)"
    printf '%s' "${jars[0]}"
}

start_java() {
    local name="$1" jar="$2"
    shift 2
    printf '==== %s: java -jar %s %s\n' "$(date '+%F %T')" "$jar" "$*" >>"$LOG_DIR/$name.log"
    # shellcheck disable=SC2086
    nohup java $JAVA_OPTS_DEMO -jar "$jar" "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
    local pid=$!
    # Not a job of this shell: the hard-kill step's kill -9 is not reported as "Killed" in the middle of the output.
    disown "$pid" 2>/dev/null || true
    printf '%s' "$pid" >"$(pid_file "$name")"
    say "    $name started (pid $pid), log $LOG_DIR/$name.log"
}

start_inventory() {
    local name="$1" port="$2" zone="$3" weight="$4" version="${5:-v1}"
    shift $(( $# < 5 ? $# : 5 ))
    start_java "$name" "$INVENTORY_JAR" \
        --server.address="$HOST" --server.port="$port" \
        --spring.cloud.zookeeper.connect-string="$HOST:$ZOOKEEPER_PORT" \
        --meshkeeper.discovery.zone="$zone" --meshkeeper.discovery.weight="$weight" \
        --meshkeeper.discovery.version="$version" "$@"
}

start_order() {
    local name="$1" port="$2"
    start_java "$name" "$ORDER_JAR" \
        --server.address="$HOST" --server.port="$port" \
        --spring.cloud.zookeeper.connect-string="$HOST:$ZOOKEEPER_PORT" \
        --meshkeeper.loadbalancer.strategy=weighted \
        --meshkeeper.loadbalancer.clients.inventory-service.version-split="$VERSION_SPLIT"
}

# Waits until a service reports ready (/actuator/health/readiness is UP), or fails naming it and its log.
wait_ready() {
    local name="$1" port="$2" deadline=$((SECONDS + START_TIMEOUT)) pid body
    while (( SECONDS < deadline )); do
        if ! pid="$(running_pid "$name")"; then
            say "demo: $name exited during start-up; the end of $LOG_DIR/$name.log:" >&2
            tail -n 40 "$LOG_DIR/$name.log" >&2 || true
            return 1
        fi
        body="$(curl -s --max-time 2 "http://$HOST:$port/actuator/health/readiness" || true)"
        if [[ "$body" == *'"status":"UP"'* ]]; then
            say "    $name is ready on http://$HOST:$port"
            return 0
        fi
        sleep 1
    done
    say "demo: $name was not ready within ${START_TIMEOUT}s; see $LOG_DIR/$name.log" >&2
    return 1
}

json_field() {
    # The value of a top-level string or number field in a one-line JSON document.
    sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p" <<<"$2"
}

quote() {
    curl -s --max-time 5 -w '\n%{http_code}' "http://$HOST:$QUOTE_PORT/orders/quote?sku=$SKU" || printf '\n000'
}

show_balancing() {
    local i response body code served tally_file="$DEMO_DIR/tally.txt"
    : >"$tally_file"
    response="$(quote)"
    body="${response%$'\n'*}"
    say "    GET http://$HOST:$ORDER_PORT/orders/quote?sku=$SKU"
    say "    $body"
    for i in $(seq 1 20); do
        response="$(quote)"
        body="${response%$'\n'*}"
        code="${response##*$'\n'}"
        if [[ "$code" == 200 ]]; then
            served="$(json_field servedBy "$body") ($(json_field zone "$body"), $(json_field version "$body"))"
        else
            served="failed: HTTP $code $(json_field title "$body")"
        fi
        printf '%s\n' "$served" >>"$tally_file"
    done
    say "    20 quotes, by the inventory instance that answered:"
    sort "$tally_file" | uniq -c | sed 's/^/    /'
}

# Sends quotes one after another until the stop file appears (or a hard bound). One line per quote: the phase
# of the stop it was sent in (read from the phase file), then "ok <servedBy>" or "failed HTTP <code> <title>".
request_stream() {
    local results="$1" stop_file="$2" phase_file="$3" n=0 phase response body code
    while [[ ! -f "$stop_file" ]] && (( n < 5000 )); do
        phase="$(cat "$phase_file" 2>/dev/null || true)"
        response="$(quote)"
        body="${response%$'\n'*}"
        code="${response##*$'\n'}"
        if [[ "$code" == 200 ]]; then
            printf '%s ok %s\n' "$phase" "$(json_field servedBy "$body")" >>"$results"
        else
            printf '%s failed HTTP %s %s\n' "$phase" "$code" "$(json_field title "$body")" >>"$results"
        fi
        n=$((n + 1))
        sleep 0.02
    done
}

print_phase() {
    local results="$1" phase="$2" label="$3"
    say "    $label:"
    { grep "^$phase " "$results" || true; } | cut -d' ' -f2- | sort | uniq -c | sed 's/^/      /'
}

# Starts a stream of quotes in the background into $1, in phase "before"; stream_stop ends it. The phase file
# ($DEMO_DIR/stream.phase) is what each quote is tallied under: write a new phase into it as the step goes on.
stream_start() {
    local results="$1"
    rm -f "$results" "$DEMO_DIR/stream.stop"
    : >"$results"
    printf 'before' >"$DEMO_DIR/stream.phase"
    request_stream "$results" "$DEMO_DIR/stream.stop" "$DEMO_DIR/stream.phase" &
    STREAM_PID=$!
    sleep 3
}

stream_phase() {
    printf '%s' "$1" >"$DEMO_DIR/stream.phase"
}

# Ends the stream started by stream_start; sets STREAM_TOTAL and STREAM_FAILED to the counts of its quotes.
stream_stop() {
    local results="$1"
    touch "$DEMO_DIR/stream.stop"
    wait "$STREAM_PID" || true
    STREAM_PID=
    rm -f "$DEMO_DIR/stream.stop" "$DEMO_DIR/stream.phase"
    STREAM_TOTAL="$(wc -l <"$results" | tr -d ' ')"
    STREAM_FAILED="$(grep -c ' failed ' "$results" || true)"
}

graceful_stop_under_load() {
    local results="$DEMO_DIR/stream.txt" pid started waited=0 total errors
    stream_start "$results"
    pid="$(running_pid inventory-2)" || fail "inventory-2 is not running"
    say "    quotes are flowing ($(wc -l <"$results" | tr -d ' ') so far); sending SIGTERM to inventory-2 (pid $pid)"
    stream_phase stopping
    started=$SECONDS
    kill -TERM "$pid"
    while kill -0 "$pid" 2>/dev/null && (( waited < STOP_TIMEOUT * 2 )); do
        sleep 0.5
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "    inventory-2 did not stop within ${STOP_TIMEOUT}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    else
        say "    inventory-2 exited about $((SECONDS - started))s after SIGTERM; quotes keep flowing for 5 more seconds"
    fi
    stream_phase stopped
    rm -f "$(pid_file inventory-2)"
    sleep 5
    stream_stop "$results"
    total=$STREAM_TOTAL errors=$STREAM_FAILED
    say "    $total quotes, by phase and outcome (all of them: $results):"
    print_phase "$results" before "before SIGTERM"
    print_phase "$results" stopping "while inventory-2 shuts down"
    print_phase "$results" stopped "after inventory-2 exited"
    say "    failed quotes: $errors of $total"
    if [[ "$errors" != 0 ]]; then
        say "    Expected none: a stopping instance leaves the balancer's choice before it drains and deregisters."
        say "    The failed quotes are in $results (with their phase); the cause is in $LOG_DIR/order-service.log."
    fi
}

# Many quotes through order-service, counted by the version of the inventory instance that answered.
show_version_split() {
    local i response body code tally_file="$DEMO_DIR/split.txt"
    : >"$tally_file"
    for i in $(seq 1 "$SPLIT_QUOTES"); do
        response="$(quote)"
        body="${response%$'\n'*}"
        code="${response##*$'\n'}"
        if [[ "$code" == 200 ]]; then
            printf '%s\n' "$(json_field version "$body")" >>"$tally_file"
        else
            printf 'failed:HTTP-%s\n' "$code" >>"$tally_file"
        fi
    done
    say "    $SPLIT_QUOTES quotes, by the version of the inventory instance that answered:"
    sort "$tally_file" | uniq -c \
        | awk -v n="$SPLIT_QUOTES" '{ printf "      %-8s %4d quotes  %5.1f %%\n", $2, $1, 100 * $1 / n }'
    local pinned=""
    for i in 1 2 3 4 5; do
        body="$(curl -s --max-time 5 -H 'X-Meshkeeper-Version: v2' "http://$HOST:$ORDER_PORT/orders/quote?sku=$SKU" || true)"
        pinned+="$(json_field version "$body") "
    done
    say "    5 quotes with the header X-Meshkeeper-Version: v2 (pinned, whatever the split says): $pinned"
}

# kill -9 of one v1 inventory instance while a stream of quotes runs: no graceful shutdown, no deregistration; its
# registration stays in ZooKeeper until its session expires. Prints every quote's outcome before and after the kill.
hard_kill_under_load() {
    local victim="$1" results="$DEMO_DIR/kill-stream.txt" pid waited=0 total errors line
    stream_start "$results"
    pid="$(running_pid "$victim")" || fail "$victim is not running"
    say "    quotes are flowing ($(wc -l <"$results" | tr -d ' ') so far); kill -9 $victim (pid $pid)"
    stream_phase killed
    kill -KILL "$pid"
    while kill -0 "$pid" 2>/dev/null && (( waited < 20 )); do
        sleep 0.5
        waited=$((waited + 1))
    done
    rm -f "$(pid_file "$victim")"
    say "    $victim is gone; its registration stays until its ZooKeeper session expires; quotes keep flowing for 6 s"
    sleep 6
    stream_stop "$results"
    total=$STREAM_TOTAL errors=$STREAM_FAILED
    say "    $total quotes, by phase and outcome (all of them: $results):"
    print_phase "$results" before "before kill -9"
    print_phase "$results" killed "after kill -9"
    say "    failed quotes: $errors of $total"
    line="$({ grep 'Ejected instance' "$LOG_DIR/order-service.log" || true; } | tail -n 1)"
    if [[ -n "$line" ]]; then
        say "    order-service's outlier ejection, from $LOG_DIR/order-service.log:"
        printf '%s\n' "$line" | sed 's/^.* - Ejected/Ejected/' | cut -c1-200 | sed 's/^/      /'
    fi
    if [[ "$errors" != 0 ]]; then
        say "    Expected none: a quote that reaches the killed instance is retried on another one."
        say "    The failed quotes are in $results; the cause is in $LOG_DIR/order-service.log."
    fi
}

# The time and status of one GET, as "<seconds> <status>".
timed_get() {
    curl -s -o /dev/null --max-time 30 -w '%{time_total} %{http_code}' "$1" || printf '30.0 000'
}

# The registry server paused with SIGSTOP for OUTAGE_SECONDS while a stream of quotes runs: its sockets stay open
# and nothing answers, the hardest kind of outage. Reads (quotes, stock, health) must keep answering from memory;
# a reservation (a fenced write) must be refused at once; everything must resync once the registry resumes.
registry_outage_under_load() {
    local results="$DEMO_DIR/outage-stream.txt" pid total errors paused_at
    stream_start "$results"
    pid="$(running_pid registry-server)" || fail "registry-server is not running"
    say "    quotes are flowing ($(wc -l <"$results" | tr -d ' ') so far); kill -STOP registry-server (pid $pid) for ${OUTAGE_SECONDS} s"
    stream_phase paused
    kill -STOP "$pid"
    paused_at=$SECONDS
    # The samples notice a paused server after about 4 s (two thirds of their 6 s ZooKeeper session timeout).
    sleep 5
    say "    during the outage (noticed by the applications after about 4 s):"
    say "      GET  :$INVENTORY_1_PORT/actuator/health -> $(timed_get "http://$HOST:$INVENTORY_1_PORT/actuator/health" | awk '{ printf "%s in %.0f ms", $2, $1 * 1000 }')"
    say "      GET  :$ORDER_PORT/actuator/health -> $(timed_get "http://$HOST:$ORDER_PORT/actuator/health" | awk '{ printf "%s in %.0f ms", $2, $1 * 1000 }')"
    say "      GET  :$INVENTORY_1_PORT/inventory/$SKU -> $(timed_get "http://$HOST:$INVENTORY_1_PORT/inventory/$SKU" | awk '{ printf "%s in %.0f ms", $2, $1 * 1000 }') (the stock, from the local replica)"
    say "      a reservation (a fenced write) is refused at once:"
    reserve "$INVENTORY_1_PORT" 1 | sed 's/^  //'
    while (( SECONDS - paused_at < OUTAGE_SECONDS )); do
        sleep 0.5
    done
    kill -CONT "$pid"
    stream_phase resumed
    say "    kill -CONT registry-server: it answers again; quotes keep flowing for 6 s"
    sleep 6
    stream_stop "$results"
    total=$STREAM_TOTAL errors=$STREAM_FAILED
    say "    $total quotes, by phase and outcome (all of them: $results):"
    print_phase "$results" before "before the pause"
    print_phase "$results" paused "while the registry was paused"
    print_phase "$results" resumed "after it resumed"
    say "    failed quotes: $errors of $total"
    say "    after the outage, the reservation goes through again:"
    reserve "$INVENTORY_1_PORT" 1
    if [[ "$errors" != 0 ]]; then
        say "    Expected none: discovery, the balancer and the stock are served from memory while ZooKeeper is away."
        say "    The failed quotes are in $results; the cause is in $LOG_DIR/order-service.log."
    fi
}

# The 'inventory-reads' limit as an inventory instance reports it in /actuator/meshkeeper (one line of JSON).
inventory_limit() {
    curl -s --max-time 5 "http://$HOST:$1/actuator/meshkeeper" | grep -o '"inventory-reads":{[^}]*}' || true
}

# Waits (bounded) until every running inventory instance reports the expected fragment of its limit.
await_inventory_limit() {
    local expected="$1" deadline=$((SECONDS + 20)) port all
    while (( SECONDS < deadline )); do
        all=1
        for port in "$INVENTORY_1_PORT" "$INVENTORY_2_PORT" "$INVENTORY_V2_PORT"; do
            [[ "$(inventory_limit "$port")" == *"$expected"* ]] || all=0
        done
        (( all )) && return 0
        sleep 0.2
    done
    return 1
}

print_inventory_limits() {
    local name_port limit rate share
    for name_port in "inventory-1:$INVENTORY_1_PORT" "inventory-2:$INVENTORY_2_PORT" "inventory-v2:$INVENTORY_V2_PORT"; do
        limit="$(inventory_limit "${name_port##*:}")"
        rate="$(sed -n 's/.*"rate":\([^,}]*\).*/\1/p' <<<"$limit")"
        share="$(sed -n 's/.*"localRate":\([^,}]*\).*/\1/p' <<<"$limit")"
        if [[ -z "$rate" || "$rate" == null ]]; then
            printf '    %-12s no limit (inventory.rate-limit is unset)\n' "${name_port%%:*}"
        else
            printf '    %-12s %s per second for the whole service; this instance admits %s per second\n' \
                "${name_port%%:*}" "$rate" "$share"
        fi
    done
}

# 40 quotes back to back through order-service, counted by answer.
quote_burst() {
    local i response code body tally_file="$DEMO_DIR/burst.txt"
    : >"$tally_file"
    for i in $(seq 1 40); do
        response="$(quote)"
        body="${response%$'\n'*}"
        code="${response##*$'\n'}"
        if [[ "$code" == 200 ]]; then
            printf 'HTTP 200 ok\n' >>"$tally_file"
        else
            printf 'HTTP %s %s\n' "$code" "$(json_field title "$body")" >>"$tally_file"
        fi
    done
    say "    40 quotes back to back through order-service:"
    sort "$tally_file" | uniq -c | sed 's/^/      /'
}

rate_limit_live() {
    local cli="java -cp $(basename "$REGISTRY_JAR") -Dloader.main=org.apache.zookeeper.ZooKeeperMain PropertiesLauncher -server $HOST:$ZOOKEEPER_PORT"
    local response
    say "    GET /inventory/{sku} is under the limit 'inventory-reads', whose rate is inventory.rate-limit (unset: none)"
    print_inventory_limits
    say "    \$ $cli create $RATE_LIMIT_PATH 5"
    # The CLI creates one znode at a time: the parents first (an existing one is only reported in zk-cli.log).
    zk_cli_session "create /config" "create /config/inventory-service" "create /config/inventory-service/inventory" \
        "create $RATE_LIMIT_PATH 5"
    if tail -n 5 "$LOG_DIR/zk-cli.log" | grep -q "already exists: $RATE_LIMIT_PATH"; then
        # Left by an interrupted run: change it instead.
        zk_cli set "$RATE_LIMIT_PATH" 5
    fi
    if await_inventory_limit '"rate":5.0'; then
        say "    applied live: 5 per second for the whole service, shared by weight (3, 1 and 1):"
    else
        say "    not applied within 20 s; see $LOG_DIR/zk-cli.log and $LOG_DIR/inventory-1.log"
    fi
    print_inventory_limits
    quote_burst
    response="$(curl -s -i --max-time 5 "http://$HOST:$ORDER_PORT/orders/quote?sku=$SKU" || true)"
    say "    one of the refused quotes (order-service passes inventory's 429 and Retry-After on, without a retry):"
    { grep -iE '^(HTTP/|Retry-After)' <<<"$response" || true; } | tr -d '\r' | sed 's/^/      /'
    tail -n 1 <<<"$response" | cut -c1-300 | sed 's/^/      /'
    say "    \$ $cli delete $RATE_LIMIT_PATH   (unset: no limit)"
    zk_cli delete "$RATE_LIMIT_PATH"
    if await_inventory_limit '"rate":null'; then
        say "    removed live:"
    else
        say "    still limited after 20 s; see $LOG_DIR/inventory-1.log"
    fi
    quote_burst
}

reserve() {
    local port="$1" response body code
    response="$(curl -s --max-time 5 -X POST -w '\n%{http_code}' \
        "http://$HOST:$port/inventory/$RESERVE_SKU/reserve?quantity=$2" || printf '\n000')"
    body="${response%$'\n'*}"
    code="${response##*$'\n'}"
    printf '    POST :%s/inventory/%s/reserve?quantity=%s -> %s %s\n' "$port" "$RESERVE_SKU" "$2" "$code" "$body"
}

stock_of() {
    json_field available "$(curl -s --max-time 5 "http://$HOST:$1/inventory/$RESERVE_SKU" || true)"
}

show_reservations() {
    local i port deadline
    say "    SKU $RESERVE_SKU starts with inventory.initial-stock units, shared by both instances through the shared"
    say "    map inventory-stock (/meshkeeper/data/inventory-stock/$RESERVE_SKU); each reservation runs under the lock"
    say "    inventory-stock-$RESERVE_SKU and writes the stock with its lease's fencing token (compare-and-set):"
    for i in 1 2 3 4 5 6; do
        if (( i % 2 )); then port=$INVENTORY_1_PORT; else port=$INVENTORY_2_PORT; fi
        reserve "$port" 7
    done
    say "    more than is left is refused:"
    reserve "$INVENTORY_2_PORT" 99
    say "    GET :$INVENTORY_1_PORT/inventory/$RESERVE_SKU -> $(curl -s --max-time 5 "http://$HOST:$INVENTORY_1_PORT/inventory/$RESERVE_SKU")"
    say "    a restock written with ZooKeeper's own CLI: set /meshkeeper/data/inventory-stock/$RESERVE_SKU {\"available\":500,...}"
    zk_cli set "/meshkeeper/data/inventory-stock/$RESERVE_SKU" "{\"available\":500,\"fencingToken\":0}"
    deadline=$((SECONDS + 10))
    while (( SECONDS < deadline )) && { [[ "$(stock_of "$INVENTORY_1_PORT")" != 500 ]] || [[ "$(stock_of "$INVENTORY_2_PORT")" != 500 ]]; }; do
        sleep 0.2
    done
    say "    both instances answer from their replicas: inventory-1 $(stock_of "$INVENTORY_1_PORT"), inventory-2 $(stock_of "$INVENTORY_2_PORT") available"
    say "    (its token 0 is below the stored ones: the next reservation's lease token is higher, so it is accepted)"
    reserve "$INVENTORY_1_PORT" 1
}

order_leader() {
    curl -s --max-time 5 "http://$HOST:$1/orders/leader" || true
}

print_leaders() {
    local body
    for name_port in "order-service:$ORDER_PORT" "order-service-2:$ORDER_2_PORT"; do
        if running_pid "${name_port%%:*}" >/dev/null; then
            body="$(order_leader "${name_port##*:}")"
            printf '    %-16s GET :%s/orders/leader -> %s\n' "${name_port%%:*}" "${name_port##*:}" "${body:-no answer}"
        else
            printf '    %-16s stopped\n' "${name_port%%:*}"
        fi
    done
}

# Stops the order-service instance that leads the reconciliation group, shows the other one taking over, and
# starts the stopped one again (it rejoins as a follower).
leadership_moves() {
    local leader_name leader_port other_port deadline started
    print_leaders
    if [[ "$(order_leader "$ORDER_PORT")" == *'"leader":true'* ]]; then
        leader_name=order-service; leader_port=$ORDER_PORT; other_port=$ORDER_2_PORT
    elif [[ "$(order_leader "$ORDER_2_PORT")" == *'"leader":true'* ]]; then
        leader_name=order-service-2; leader_port=$ORDER_2_PORT; other_port=$ORDER_PORT
    else
        say "    neither instance reports leadership right now; skipping the failover"
        return 0
    fi
    say "    $leader_name leads; its log shows the job's runs:"
    { grep 'Reconciliation run' "$LOG_DIR/$leader_name.log" || true; } | tail -n 2 | sed 's/^/      /'
    say "    stopping $leader_name gracefully (SIGTERM)"
    started=$SECONDS
    stop_service "$leader_name"
    deadline=$((SECONDS + 20))
    while (( SECONDS < deadline )) && [[ "$(order_leader "$other_port")" != *'"leader":true'* ]]; do
        sleep 0.2
    done
    say "    about $((SECONDS - started))s after SIGTERM:"
    print_leaders
    say "    starting $leader_name again: it rejoins the group behind the new leader"
    start_order "$leader_name" "$leader_port"
    wait_ready "$leader_name" "$leader_port"
    print_leaders
}

order_partitions() {
    curl -s --max-time 5 "http://$HOST:$1/orders/partitions" || true
}

# The partitions of order-processing each running order-service instance owns, with the assignment's generation.
print_partitions() {
    local body partitions
    for name_port in "order-service:$ORDER_PORT" "order-service-2:$ORDER_2_PORT" "order-service-3:$ORDER_3_PORT"; do
        if running_pid "${name_port%%:*}" >/dev/null; then
            body="$(order_partitions "${name_port##*:}")"
            partitions="$(sed -n 's/.*"partitions":\(\[[^]]*\]\).*/\1/p' <<<"$body")"
            printf '    %-16s GET :%s/orders/partitions -> %s (generation %s)\n' "${name_port%%:*}" "${name_port##*:}" \
                "${partitions:-no answer}" "$(json_field generation "$body")"
        else
            printf '    %-16s stopped\n' "${name_port%%:*}"
        fi
    done
}

# How many partitions the instance on the port owns now (0 when it does not answer).
partition_count() {
    local partitions
    partitions="$(sed -n 's/.*"partitions":\[\([^]]*\)\].*/\1/p' <<<"$(order_partitions "$1")")"
    if [[ -z "$partitions" ]]; then
        printf '0'
    else
        tr ',' '\n' <<<"$partitions" | grep -c .
    fi
}

# Starts a third order-service instance, shows it taking its share of the 12 partitions while the others keep the
# rest, then stops it and shows its partitions going back.
placement_moves() {
    local deadline started
    print_partitions
    say "    starting order-service-3: it takes 4 of the 12 partitions, the other two keep 4 each"
    start_order order-service-3 "$ORDER_3_PORT"
    wait_ready order-service-3 "$ORDER_3_PORT"
    deadline=$((SECONDS + 20))
    while (( SECONDS < deadline )) && [[ "$(partition_count "$ORDER_3_PORT")" != 4 ]]; do
        sleep 0.2
    done
    print_partitions
    sleep 2
    say "    order-service-3's log shows a job per owned partition:"
    { grep 'processing partition' "$LOG_DIR/order-service-3.log" || true; } | tail -n 2 | sed 's/^/      /'
    say "    stopping order-service-3 gracefully (SIGTERM): it stops its jobs and releases its partitions"
    started=$SECONDS
    stop_service order-service-3
    deadline=$((SECONDS + 20))
    while (( SECONDS < deadline )) \
        && (( $(partition_count "$ORDER_PORT") + $(partition_count "$ORDER_2_PORT") != 12 )); do
        sleep 0.2
    done
    say "    about $((SECONDS - started))s after SIGTERM:"
    print_partitions
}

# Like print_phase, with each line's share of the phase's quotes.
print_shares() {
    local results="$1" phase="$2" label="$3"
    say "    $label:"
    { grep "^$phase " "$results" || true; } | cut -d' ' -f2- | sort | uniq -c \
        | awk '{ count[NR] = $1; $1 = ""; line[NR] = $0; total += count[NR] }
               END { for (i = 1; i <= NR; i++) printf "      %5d  %5.1f %% %s\n", count[i], 100 * count[i] / total, line[i] }'
}

# How long GET /inventory/{sku} takes on the inventory instance on the port, in ms (curl's total time).
inventory_millis() {
    curl -s -o /dev/null --max-time 5 -w '%{time_total}' "http://$HOST:$1/inventory/$SKU" \
        | awk '{ printf "%.0f", $1 * 1000 }'
}

# Waits (bounded, 20 s) until inventory-2 answers slower (1) or faster (0) than 100 ms.
await_inventory_2_latency() {
    local slow="$1" deadline=$((SECONDS + 20)) millis
    while (( SECONDS < deadline )); do
        millis="$(inventory_millis "$INVENTORY_2_PORT")"
        if [[ -n "$millis" ]] && { { (( slow )) && (( millis >= 100 )); } || { (( ! slow )) && (( millis < 100 )); }; }; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

# A stream of quotes through order-service-3, whose calls to inventory-service use least-loaded; inventory-2 (started
# with the profile "slow") gets inventory.simulated-latency=150ms through its own config context, then loses it.
slow_instance_under_load() {
    local cli="java -cp $(basename "$REGISTRY_JAR") -Dloader.main=org.apache.zookeeper.ZooKeeperMain PropertiesLauncher -server $HOST:$ZOOKEEPER_PORT"
    local results="$DEMO_DIR/slow.txt"
    QUOTE_PORT=$ORDER_3_PORT
    stream_start "$results"
    say "    \$ $cli create $SLOW_LATENCY_PATH 150ms"
    stream_phase turning-slow
    zk_cli_session "create /config" "create /config/inventory-service,slow" \
        "create /config/inventory-service,slow/inventory" "create $SLOW_LATENCY_PATH 150ms"
    if tail -n 5 "$LOG_DIR/zk-cli.log" | grep -q "already exists: $SLOW_LATENCY_PATH"; then
        zk_cli set "$SLOW_LATENCY_PATH" 150ms
    fi
    if await_inventory_2_latency 1; then
        stream_phase slow
        say "    inventory-2 answers in $(inventory_millis "$INVENTORY_2_PORT") ms now (inventory-1: $(inventory_millis "$INVENTORY_1_PORT") ms); quotes flow for 8 s"
        sleep 8
    else
        say "    inventory-2 did not slow down within 20 s; see $LOG_DIR/zk-cli.log and $LOG_DIR/inventory-2.log"
    fi
    say "    \$ $cli delete $SLOW_LATENCY_PATH"
    stream_phase recovering
    zk_cli delete "$SLOW_LATENCY_PATH"
    await_inventory_2_latency 0 || say "    inventory-2 still slow after 20 s; see $LOG_DIR/inventory-2.log"
    stream_phase recovered
    say "    inventory-2 answers in $(inventory_millis "$INVENTORY_2_PORT") ms again; quotes flow for 12 s (least-loaded probes it every 2 s and takes it back)"
    sleep 12
    stream_stop "$results"
    QUOTE_PORT=$ORDER_PORT
    say "    $STREAM_TOTAL quotes through order-service-3, $STREAM_FAILED failed; the inventory instance that answered:"
    print_shares "$results" before "before (every instance fast)"
    print_shares "$results" slow "while inventory-2 is 150 ms slower"
    print_shares "$results" recovered "after inventory-2 is fast again"
    stop_service order-service-3
}

# ZooKeeper's own command-line client, from the registry server's jar.
zk_cli() {
    printf '==== %s: ZooKeeperMain %s\n' "$(date '+%F %T')" "$*" >>"$LOG_DIR/zk-cli.log"
    # shellcheck disable=SC2086
    java $JAVA_OPTS_DEMO -cp "$REGISTRY_JAR" -Dloader.main=org.apache.zookeeper.ZooKeeperMain \
        org.springframework.boot.loader.launch.PropertiesLauncher -server "$HOST:$ZOOKEEPER_PORT" "$@" \
        >>"$LOG_DIR/zk-cli.log" 2>&1 </dev/null || true
}

# Several commands in one session of ZooKeeper's CLI (one JVM), e.g. a znode and its parents.
zk_cli_session() {
    printf '==== %s: ZooKeeperMain session: %s\n' "$(date '+%F %T')" "$*" >>"$LOG_DIR/zk-cli.log"
    # shellcheck disable=SC2086
    printf '%s\n' "$@" quit | java $JAVA_OPTS_DEMO -cp "$REGISTRY_JAR" -Dloader.main=org.apache.zookeeper.ZooKeeperMain \
        org.springframework.boot.loader.launch.PropertiesLauncher -server "$HOST:$ZOOKEEPER_PORT" \
        >>"$LOG_DIR/zk-cli.log" 2>&1 || true
}

settings() {
    curl -s --max-time 5 "http://$HOST:$1/orders/settings" || true
}

# Waits (bounded) until both order-service instances report the expected settings fragment.
await_settings() {
    local expected="$1" deadline=$((SECONDS + 15))
    while (( SECONDS < deadline )); do
        if [[ "$(settings "$ORDER_PORT")" == *"$expected"* && "$(settings "$ORDER_2_PORT")" == *"$expected"* ]]; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

print_settings() {
    say "    GET :$ORDER_PORT/orders/settings -> $(settings "$ORDER_PORT")"
    say "    GET :$ORDER_2_PORT/orders/settings -> $(settings "$ORDER_2_PORT")"
}

live_config() {
    local cli="java -cp $(basename "$REGISTRY_JAR") -Dloader.main=org.apache.zookeeper.ZooKeeperMain PropertiesLauncher -server $HOST:$ZOOKEEPER_PORT"
    local warn_count line
    print_settings
    say "    \$ $cli create $MAX_QUANTITY_PATH 50"
    # The CLI creates one znode at a time: the parents first (an existing one is only reported in zk-cli.log).
    zk_cli_session "create /config" "create /config/order-service" "create /config/order-service/orders" \
        "create $MAX_QUANTITY_PATH 50"
    if tail -n 5 "$LOG_DIR/zk-cli.log" | grep -q "already exists: $MAX_QUANTITY_PATH"; then
        # Left by an interrupted run: change it instead.
        zk_cli set "$MAX_QUANTITY_PATH" 50
    fi
    if await_settings '"maxQuantity":50'; then
        say "    applied live, no restart:"
    else
        say "    not applied within 15 s; see $LOG_DIR/zk-cli.log and $LOG_DIR/order-service.log"
    fi
    print_settings
    say "    GET :$ORDER_PORT/orders/quote?sku=$SKU&quantity=51 -> $(curl -s --max-time 5 "http://$HOST:$ORDER_PORT/orders/quote?sku=$SKU&quantity=51")"

    warn_count="$(grep -c 'Rejected config change' "$LOG_DIR/order-service.log" || true)"
    say "    \$ $cli set $MAX_QUANTITY_PATH lots"
    zk_cli set "$MAX_QUANTITY_PATH" lots
    local deadline=$((SECONDS + 15))
    while (( SECONDS < deadline )) \
        && (( $(grep -c 'Rejected config change' "$LOG_DIR/order-service.log" || true) <= warn_count )); do
        sleep 0.2
    done
    say "    rejected, the last good value stays:"
    print_settings
    line="$(grep -n 'Rejected config change' "$LOG_DIR/order-service.log" | tail -n 1 | cut -d: -f1 || true)"
    if [[ -n "$line" ]]; then
        say "    the WARN is line $line of $LOG_DIR/order-service.log:"
        sed -n "${line}p" "$LOG_DIR/order-service.log" | cut -c1-400 | sed 's/^/      /'
    else
        say "    no rejection logged yet in $LOG_DIR/order-service.log"
    fi
    say "    \$ $cli delete $MAX_QUANTITY_PATH   (back to the default from application.properties)"
    zk_cli delete "$MAX_QUANTITY_PATH"
    await_settings '"maxQuantity":20' || true
    print_settings
}

# Where the registry's generated admin password was printed (it is printed once, at the first start on a data dir).
admin_password_hint() {
    local line
    line="$(grep -n "generated a password for user" "$LOG_DIR/registry-server.log" 2>/dev/null | head -n 1 | cut -d: -f1 || true)"
    if [[ -n "$line" ]]; then
        printf 'user admin; its generated password is at the end of line %s of %s' "$line" "$LOG_DIR/registry-server.log"
    else
        printf 'user admin; its password was printed once, at the first start on %s (to get a new one: ./demo.sh stop, delete %s, run the demo again)' \
            "$DATA_DIR" "$DATA_DIR/registry-admin-password.bcrypt"
    fi
}

# On a failed or interrupted start: no request stream and no process is left behind.
abort_start() {
    say ""
    say "demo: stopping what was started"
    touch "$DEMO_DIR/stream.stop" 2>/dev/null || true
    if [[ -n "$STREAM_PID" ]]; then
        kill "$STREAM_PID" 2>/dev/null || true
    fi
    stop_all
}

start() {
    local build=1
    if [[ "${1:-}" == "--no-build" ]]; then
        build=0
    elif [[ -n "${1:-}" ]]; then
        fail "unknown argument '$1'; use ./demo.sh [--no-build|status|stop]"
    fi
    command -v java >/dev/null || fail "java is not on the PATH; install JDK 17 or newer"
    command -v curl >/dev/null || fail "curl is not on the PATH; install curl"
    mkdir -p "$LOG_DIR" "$PID_DIR" "$DATA_DIR"
    local name
    for name in "${SERVICES[@]}"; do
        if running_pid "$name" >/dev/null; then
            fail "the demo is already running ($name); stop it with ./demo.sh stop"
        fi
    done
    choose_ports
    check_ports_free
    rm -f "$LOG_DIR"/*.log

    if (( build )); then
        step "Building the registry server and the sample services (./mvnw -q -DskipTests package)"
        (cd "$ROOT" && ./mvnw -q -B -DskipTests \
            -pl registry-server/app,sample-services/inventory-service,sample-services/order-service -am package) \
            >"$LOG_DIR/build.log" 2>&1 || { tail -n 40 "$LOG_DIR/build.log" >&2; fail "the build failed; see $LOG_DIR/build.log"; }
    fi
    REGISTRY_JAR="$(one_jar "$ROOT/registry-server/app/target/meshkeeper-registry-server-*.jar")"
    INVENTORY_JAR="$(one_jar "$ROOT/sample-services/inventory-service/target/inventory-service-*.jar")"
    ORDER_JAR="$(one_jar "$ROOT/sample-services/order-service/target/order-service-*.jar")"

    local started=$SECONDS
    # From here on, a failure or Ctrl-C stops whatever was started.
    trap 'abort_start' EXIT
    trap 'exit 130' INT TERM

    step "Starting the registry server (ZooKeeper on $HOST:$ZOOKEEPER_PORT, HTTP on $HOST:$REGISTRY_HTTP_PORT)"
    start_java registry-server "$REGISTRY_JAR" \
        --server.address="$HOST" --server.port="$REGISTRY_HTTP_PORT" \
        --meshkeeper.registry.bind-address="$HOST" --meshkeeper.registry.client-port="$ZOOKEEPER_PORT" \
        --meshkeeper.registry.data-dir="$DATA_DIR"
    wait_ready registry-server "$REGISTRY_HTTP_PORT"

    step "Starting inventory-1 (v1, zone-a, weight 3), inventory-2 (v1, zone-b, weight 1), inventory-v2 (v2), order-service and order-service-2"
    start_inventory inventory-1 "$INVENTORY_1_PORT" zone-a 3 v1
    start_inventory inventory-2 "$INVENTORY_2_PORT" zone-b 1 v1 --spring.profiles.active=slow
    start_inventory inventory-v2 "$INVENTORY_V2_PORT" zone-a 1 v2
    start_order order-service "$ORDER_PORT"
    wait_ready inventory-1 "$INVENTORY_1_PORT"
    wait_ready inventory-2 "$INVENTORY_2_PORT"
    wait_ready inventory-v2 "$INVENTORY_V2_PORT"
    wait_ready order-service "$ORDER_PORT"
    # Started after the first, so the first joins the reconciliation group first and leads it.
    start_order order-service-2 "$ORDER_2_PORT"
    wait_ready order-service-2 "$ORDER_2_PORT"

    step "Balancing: 20 quotes through order-service, which asks inventory-service through its load balancer"
    show_balancing

    step "Graceful stop: SIGTERM to inventory-2 while a stream of quotes runs"
    graceful_stop_under_load

    step "Starting inventory-2 again (in the background, ready before the rate-limit step)"
    start_inventory inventory-2 "$INVENTORY_2_PORT" zone-b 1 v1 --spring.profiles.active=slow

    step "Version split: order-service sends $VERSION_SPLIT of its calls to inventory v1 / v2"
    show_version_split
    wait_ready inventory-2 "$INVENTORY_2_PORT"

    step "Rate limit: $RATE_LIMIT_PATH set live, then removed"
    rate_limit_live

    step "Hard kill: kill -9 of inventory-1 (v1) while a stream of quotes runs"
    hard_kill_under_load inventory-1

    step "Starting inventory-1 again (in the background, ready before the shared-stock step)"
    start_inventory inventory-1 "$INVENTORY_1_PORT" zone-a 3 v1

    step "Leadership: order-service's reconciliation job runs on the leader only; stopping the leader moves it"
    leadership_moves

    step "Work placement: order-service's 12 partitions of order-processing move when an instance joins and leaves"
    placement_moves

    step "Starting order-service-3 again, with least-loaded balancing to inventory-service (in the background)"
    start_java order-service-3 "$ORDER_JAR" --server.address="$HOST" --server.port="$ORDER_3_PORT" \
        --spring.cloud.zookeeper.connect-string="$HOST:$ZOOKEEPER_PORT" \
        --meshkeeper.loadbalancer.clients.inventory-service.strategy=least-loaded

    step "Shared stock: reservations through both inventory instances, each under a distributed lock"
    wait_ready inventory-1 "$INVENTORY_1_PORT"
    show_reservations

    step "Slow instance: inventory-2 gets 150 ms slower live; order-service-3 (least-loaded) sends its quotes elsewhere"
    wait_ready order-service-3 "$ORDER_3_PORT"
    slow_instance_under_load

    step "Registry outage: the registry server paused (SIGSTOP) for ${OUTAGE_SECONDS} s while a stream of quotes runs"
    registry_outage_under_load

    step "Live config: ZooKeeper's own CLI writes orders.max-quantity; both order-service instances apply it"
    live_config

    trap - EXIT INT TERM
    step "The stack is running (the demo's steps took $((SECONDS - started)) s)"
    cat <<EOF
    order-service      http://$HOST:$ORDER_PORT/orders/quote?sku=$SKU
                       http://$HOST:$ORDER_PORT/orders/settings   http://$HOST:$ORDER_PORT/orders/leader
                       http://$HOST:$ORDER_PORT/orders/partitions
    order-service-2    http://$HOST:$ORDER_2_PORT/orders/leader   http://$HOST:$ORDER_2_PORT/orders/partitions
    inventory-1        http://$HOST:$INVENTORY_1_PORT/inventory/$SKU   (v1, zone-a, weight 3)
    inventory-2        http://$HOST:$INVENTORY_2_PORT/inventory/$SKU   (v1, zone-b, weight 1)
    inventory-v2       http://$HOST:$INVENTORY_V2_PORT/inventory/$SKU   (v2, zone-a, weight 1; $VERSION_SPLIT)
                       curl -X POST 'http://$HOST:$INVENTORY_1_PORT/inventory/$SKU/reserve?quantity=2'
    registry server    http://$HOST:$REGISTRY_HTTP_PORT/   console and /api/v1; ZooKeeper on $HOST:$ZOOKEEPER_PORT
    service map        http://$HOST:$REGISTRY_HTTP_PORT/console/#/map   (calls between the services, live)
    registry login     $(admin_password_hint)
    each service       /actuator/health, /actuator/info, /actuator/meshkeeper
    logs               $LOG_DIR/
    stop everything    ./demo.sh stop
EOF
}

case "${1:-}" in
    stop)
        say "Stopping the demo"
        stop_all
        say "Stopped; logs stay in $LOG_DIR/"
        ;;
    status)
        status || true
        ;;
    -h | --help | help)
        sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
        ;;
    *)
        start "$@"
        ;;
esac
