#!/usr/bin/env bash
# Meshkeeper demo: the registry server, two inventory-service instances and one order-service, each its own
# process on 127.0.0.1. Shows requests balanced across the inventory instances, stops one of them gracefully
# while requests keep flowing, and leaves the stack running.
#
#   ./demo.sh            build, start everything, show balancing and a graceful stop, leave it running
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

REGISTRY_HTTP_PORT=8181
ZOOKEEPER_PORT=2181
ORDER_PORT=8080
INVENTORY_1_PORT=8081
INVENTORY_2_PORT=8082
PORTS=("$ZOOKEEPER_PORT" "$REGISTRY_HTTP_PORT" "$ORDER_PORT" "$INVENTORY_1_PORT" "$INVENTORY_2_PORT")

# Stop order: consumers first, the registry last.
SERVICES=(order-service inventory-2 inventory-1 registry-server)

START_TIMEOUT="${DEMO_START_TIMEOUT:-240}"
STOP_TIMEOUT="${DEMO_STOP_TIMEOUT:-60}"
JAVA_OPTS_DEMO="${DEMO_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
SKU=DEMO-1
STREAM_PID=

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
    return $((1 - any))
}

port_in_use() {
    (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
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
    printf '%s' "$!" >"$(pid_file "$name")"
    say "    $name started (pid $!), log $LOG_DIR/$name.log"
}

start_inventory() {
    local name="$1" port="$2" zone="$3" weight="$4"
    start_java "$name" "$INVENTORY_JAR" \
        --server.address="$HOST" --server.port="$port" \
        --spring.cloud.zookeeper.connect-string="$HOST:$ZOOKEEPER_PORT" \
        --meshkeeper.discovery.zone="$zone" --meshkeeper.discovery.weight="$weight"
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
    curl -s --max-time 5 -w '\n%{http_code}' "http://$HOST:$ORDER_PORT/orders/quote?sku=$SKU" || printf '\n000'
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
            served="$(json_field servedBy "$body") ($(json_field zone "$body"))"
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

graceful_stop_under_load() {
    local results="$DEMO_DIR/stream.txt" stop_file="$DEMO_DIR/stream.stop" phase_file="$DEMO_DIR/stream.phase"
    local stream_pid pid started waited=0 total errors
    rm -f "$results" "$stop_file"
    : >"$results"
    printf 'before' >"$phase_file"
    request_stream "$results" "$stop_file" "$phase_file" &
    stream_pid=$!
    STREAM_PID=$stream_pid
    sleep 3
    pid="$(running_pid inventory-2)" || fail "inventory-2 is not running"
    say "    quotes are flowing ($(wc -l <"$results" | tr -d ' ') so far); sending SIGTERM to inventory-2 (pid $pid)"
    printf 'stopping' >"$phase_file"
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
    printf 'stopped' >"$phase_file"
    rm -f "$(pid_file inventory-2)"
    sleep 5
    touch "$stop_file"
    wait "$stream_pid" || true
    STREAM_PID=
    rm -f "$stop_file" "$phase_file"
    total="$(wc -l <"$results" | tr -d ' ')"
    errors="$(grep -c ' failed ' "$results" || true)"
    say "    $total quotes, by phase and outcome (all of them: $results):"
    print_phase "$results" before "before SIGTERM"
    print_phase "$results" stopping "while inventory-2 shuts down"
    print_phase "$results" stopped "after inventory-2 exited"
    say "    failed quotes: $errors of $total"
    if [[ "$errors" != 0 ]]; then
        say "    The failed quotes were sent to inventory-2 after it stopped answering: order-service's load balancer"
        say "    still listed it (Spring Cloud LoadBalancer caches instance lists, 35 s by default)."
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

    # From here on, a failure or Ctrl-C stops whatever was started.
    trap 'abort_start' EXIT
    trap 'exit 130' INT TERM

    step "Starting the registry server (ZooKeeper on $HOST:$ZOOKEEPER_PORT, HTTP on $HOST:$REGISTRY_HTTP_PORT)"
    start_java registry-server "$REGISTRY_JAR" \
        --server.address="$HOST" --server.port="$REGISTRY_HTTP_PORT" \
        --meshkeeper.registry.bind-address="$HOST" --meshkeeper.registry.client-port="$ZOOKEEPER_PORT" \
        --meshkeeper.registry.data-dir="$DATA_DIR"
    wait_ready registry-server "$REGISTRY_HTTP_PORT"

    step "Starting inventory-1 (zone-a, weight 3), inventory-2 (zone-b, weight 1) and order-service"
    start_inventory inventory-1 "$INVENTORY_1_PORT" zone-a 3
    start_inventory inventory-2 "$INVENTORY_2_PORT" zone-b 1
    start_java order-service "$ORDER_JAR" \
        --server.address="$HOST" --server.port="$ORDER_PORT" \
        --spring.cloud.zookeeper.connect-string="$HOST:$ZOOKEEPER_PORT" \
        --meshkeeper.loadbalancer.strategy=weighted
    wait_ready inventory-1 "$INVENTORY_1_PORT"
    wait_ready inventory-2 "$INVENTORY_2_PORT"
    wait_ready order-service "$ORDER_PORT"

    step "Balancing: 20 quotes through order-service, which asks inventory-service through its load balancer"
    show_balancing

    step "Graceful stop: SIGTERM to inventory-2 while a stream of quotes runs"
    graceful_stop_under_load

    step "Starting inventory-2 again"
    start_inventory inventory-2 "$INVENTORY_2_PORT" zone-b 1
    wait_ready inventory-2 "$INVENTORY_2_PORT"

    trap - EXIT INT TERM
    step "The stack is running"
    cat <<EOF
    order-service      http://$HOST:$ORDER_PORT/orders/quote?sku=$SKU
    inventory-1        http://$HOST:$INVENTORY_1_PORT/inventory/$SKU   (zone-a, weight 3)
    inventory-2        http://$HOST:$INVENTORY_2_PORT/inventory/$SKU   (zone-b, weight 1)
    registry server    http://$HOST:$REGISTRY_HTTP_PORT/actuator/health   ZooKeeper on $HOST:$ZOOKEEPER_PORT
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
        sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
        ;;
    *)
        start "$@"
        ;;
esac
