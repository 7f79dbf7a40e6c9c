#!/usr/bin/env bash
# kafka-local.sh — a throwaway single-node Apache Kafka (KRaft) broker for local
# development and CI, without Docker and without the Kafka tarball.
#
#   scripts/kafka-local.sh start    # prints the bootstrap address (last stdout line)
#   scripts/kafka-local.sh status   # "running 127.0.0.1:<port>" (exit 0) or "stopped" (exit 3)
#   scripts/kafka-local.sh stop
#
#   BROKER=$(scripts/kafka-local.sh start) && node scripts/kafka-smoke.mjs "$BROKER"
#
# The broker jars (org.apache.kafka:kafka_2.13 and its runtime dependencies) are
# resolved once from Maven Central with `mvn dependency:copy-dependencies` into a
# per-user cache; the broker runs as plain `java -cp '<libs>/*' kafka.Kafka`.
# Progress messages go to stderr; stdout carries only the address / status.
#
# Environment (all optional):
#   KAFKA_VERSION             Kafka release to use (default below)
#   KAFKA_LOCAL_CACHE         folder holding the resolved jars
#                             (default ${XDG_CACHE_HOME:-$HOME/.cache}/journeys/kafka-<version>/libs)
#   KAFKA_LOCAL_STATE         state folder: pid, ports, config, log, data (default <repo>/.kafka)
#   KAFKA_LOCAL_START_TIMEOUT seconds to wait for the broker to answer (default 90)
#   KAFKA_LOCAL_STOP_TIMEOUT  seconds to wait after SIGTERM before SIGKILL (default 30)
#   KAFKA_LOCAL_HEAP_OPTS     JVM heap flags (default "-Xmx512m -Xms256m")
#   KAFKA_LOCAL_JAVA_OPTS     extra JVM flags for the broker
#   KAFKA_LOCAL_MVN_ARGS      extra Maven arguments for the one-time resolution
#                             (e.g. "-o" or "-Dmaven.repo.local=/some/repo")
#   JAVA_HOME                 JDK/JRE to use (otherwise `java` on PATH)
set -euo pipefail

KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
# log4j2 binding for Kafka's slf4j 1.7 API (the kafka_2.13 POM brings log4j-core
# but no slf4j binding, which would silence the broker). Matches Kafka 4.4.0.
LOG4J_VERSION="${KAFKA_LOCAL_LOG4J_VERSION:-2.25.5}"
DEPENDENCY_PLUGIN_VERSION="3.8.1"

KAFKA_MAIN_CLASS="kafka.Kafka"
STORAGE_TOOL_CLASS="kafka.tools.StorageTool"
NODE_ID=1
HOST=127.0.0.1

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"

CACHE_DIR="${KAFKA_LOCAL_CACHE:-${XDG_CACHE_HOME:-${HOME:?HOME is not set: set KAFKA_LOCAL_CACHE}/.cache}/journeys/kafka-${KAFKA_VERSION}/libs}"
STATE_DIR="${KAFKA_LOCAL_STATE:-$REPO_ROOT/.kafka}"
# Absolute paths: the state folder path is also how a running broker is recognised.
[[ "$CACHE_DIR" == /* ]] || CACHE_DIR="$PWD/$CACHE_DIR"
[[ "$STATE_DIR" == /* ]] || STATE_DIR="$PWD/$STATE_DIR"
START_TIMEOUT="${KAFKA_LOCAL_START_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_LOCAL_STOP_TIMEOUT:-30}"
HEAP_OPTS="${KAFKA_LOCAL_HEAP_OPTS:--Xmx512m -Xms256m}"
EXTRA_JAVA_OPTS="${KAFKA_LOCAL_JAVA_OPTS:-}"
EXTRA_MVN_ARGS="${KAFKA_LOCAL_MVN_ARGS:-}"

PID_FILE="$STATE_DIR/kafka.pid"
PORTS_FILE="$STATE_DIR/ports"
CONFIG_FILE="$STATE_DIR/server.properties"
LOG4J_FILE="$STATE_DIR/log4j2.properties"
TOOL_LOG4J_FILE="$STATE_DIR/log4j2-tools.properties"
LOG_FILE="$STATE_DIR/broker.log"
FORMAT_LOG="$STATE_DIR/format.log"
DATA_DIR="$STATE_DIR/data"
LOCK_FILE="$STATE_DIR/.lock"

JAVA_BIN=""
RESOLVE_TMP=""

log() { printf 'kafka-local: %s\n' "$*" >&2; }
die() {
  printf 'kafka-local: error: %s\n' "$*" >&2
  exit 1
}

cleanup() {
  if [[ -n "$RESOLVE_TMP" && -d "$RESOLVE_TMP" ]]; then
    rm -rf -- "$RESOLVE_TMP"
  fi
}
trap cleanup EXIT

usage() {
  cat >&2 <<EOF
usage: $(basename "$0") start|stop|status

  start   resolve Kafka ${KAFKA_VERSION} (once), format and start a single-node KRaft broker
          on 127.0.0.1 on free ports; prints the bootstrap address as the last line
  stop    stop the broker of this state folder (SIGTERM, then SIGKILL after ${STOP_TIMEOUT}s)
  status  prints "running 127.0.0.1:<port>" (exit 0) or "stopped" (exit 3)

state folder: ${STATE_DIR}   (env KAFKA_LOCAL_STATE)
jar cache:    ${CACHE_DIR}   (env KAFKA_LOCAL_CACHE)
EOF
}

have_flock() { command -v flock >/dev/null 2>&1; }

# Wait for an exclusive lock on an already opened file descriptor (no-op without flock).
flock_wait() {
  local fd="$1" what="$2"
  have_flock || return 0
  flock -w 900 "$fd" ||
    die "timed out waiting for the lock on $what; is another kafka-local.sh stuck?"
}

# ---------------------------------------------------------------- prerequisites

require_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
    JAVA_BIN="${JAVA_HOME}/bin/java"
  elif command -v java >/dev/null 2>&1; then
    JAVA_BIN="$(command -v java)"
  else
    die "java not found: install a JDK/JRE 17+ (Debian: apt-get install -y openjdk-17-jre-headless) or set JAVA_HOME"
  fi
  local version major
  version="$("$JAVA_BIN" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')"
  major="${version%%.*}"
  if [[ "$major" == "1" ]]; then
    major="$(printf '%s' "$version" | cut -d. -f2)"
  fi
  if ! [[ "$major" =~ ^[0-9]+$ ]] || ((major < 17)); then
    die "Kafka ${KAFKA_VERSION} needs Java 17+, but ${JAVA_BIN} is version '${version:-unknown}': install a JDK 17+ or point JAVA_HOME at one"
  fi
}

require_node() {
  command -v node >/dev/null 2>&1 ||
    die "node not found: install Node.js 20+ (it is used to pick free ports and to probe the broker)"
}

# ---------------------------------------------------------------- jar resolution

libs_ready() {
  [[ -f "$CACHE_DIR/kafka_2.13-${KAFKA_VERSION}.jar" ]]
}

write_pom() {
  local pom="$1"
  cat >"$pom" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Throwaway POM generated by scripts/kafka-local.sh to resolve the Kafka broker jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.journeys</groupId>
  <artifactId>kafka-local-libs</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <!-- broker (kafka.Kafka) + storage tool (kafka.tools.StorageTool); its POM pulls
         kafka-server, kafka-metadata, kafka-raft, kafka-storage, coordinators, ... -->
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
    <!-- logging: slf4j 1.7 -> log4j2, so the broker actually logs -->
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>${LOG4J_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>${LOG4J_VERSION}</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>${DEPENDENCY_PLUGIN_VERSION}</version>
      </plugin>
    </plugins>
  </build>
</project>
EOF
}

resolve_libs() {
  if libs_ready; then
    return 0
  fi
  if [[ -d "$CACHE_DIR" ]] && [[ -n "$(ls -A "$CACHE_DIR" 2>/dev/null)" ]]; then
    die "jar cache $CACHE_DIR exists but holds no kafka_2.13-${KAFKA_VERSION}.jar (another Kafka version?): delete it or point KAFKA_LOCAL_CACHE elsewhere"
  fi
  command -v mvn >/dev/null 2>&1 ||
    die "mvn not found: install Maven 3.6+ (Debian: apt-get install -y maven); it is needed once to fetch the Kafka ${KAFKA_VERSION} jars from Maven Central into $CACHE_DIR"

  local parent
  parent="$(dirname "$CACHE_DIR")"
  mkdir -p "$parent"
  # Serialise concurrent resolutions (e.g. two checkouts starting at once).
  exec 8>"$parent/.resolve.lock"
  flock_wait 8 "the jar cache $parent"
  if libs_ready; then
    exec 8>&-
    return 0
  fi
  # A leftover empty folder (e.g. from a failed manual attempt) would block the rename.
  rmdir "$CACHE_DIR" 2>/dev/null || true

  log "resolving Kafka ${KAFKA_VERSION} jars from Maven Central into $CACHE_DIR (one time) ..."
  local started=$SECONDS
  RESOLVE_TMP="$(mktemp -d "$parent/.resolve.XXXXXX")"
  write_pom "$RESOLVE_TMP/pom.xml"
  local -a mvn_extra=()
  if [[ -n "$EXTRA_MVN_ARGS" ]]; then
    read -r -a mvn_extra <<<"$EXTRA_MVN_ARGS"
  fi
  if ! mvn -B -q -Dstyle.color=never -f "$RESOLVE_TMP/pom.xml" ${mvn_extra[@]+"${mvn_extra[@]}"} \
    dependency:copy-dependencies \
    -DincludeScope=runtime \
    -DoutputDirectory="$RESOLVE_TMP/libs" \
    </dev/null >"$RESOLVE_TMP/mvn.log" 2>&1; then
    tail -n 30 "$RESOLVE_TMP/mvn.log" | sed "s/\x1b\[[0-9;]*m//g" >&2 || true
    die "Maven could not resolve org.apache.kafka:kafka_2.13:${KAFKA_VERSION} (see the output above). Check that Maven Central is reachable (or your ~/.m2/settings.xml mirror) and that KAFKA_VERSION is a published release"
  fi
  [[ -f "$RESOLVE_TMP/libs/kafka_2.13-${KAFKA_VERSION}.jar" ]] ||
    die "Maven finished but kafka_2.13-${KAFKA_VERSION}.jar is missing from the resolved jars"
  # Atomic publish: the cache folder appears complete or not at all.
  if ! mv -T "$RESOLVE_TMP/libs" "$CACHE_DIR" 2>/dev/null; then
    if ! libs_ready; then
      [[ -e "$CACHE_DIR" ]] && die "could not move resolved jars into $CACHE_DIR (it exists): delete it and retry"
      mv "$RESOLVE_TMP/libs" "$CACHE_DIR"
    fi
  fi
  rm -rf -- "$RESOLVE_TMP"
  RESOLVE_TMP=""
  exec 8>&-
  log "resolved $(find "$CACHE_DIR" -maxdepth 1 -name '*.jar' | wc -l | tr -d ' ') jars in $((SECONDS - started))s"
}

# ---------------------------------------------------------------- process state

read_pid() {
  local pid=""
  if [[ -f "$PID_FILE" ]]; then
    pid="$(tr -dc '0-9' <"$PID_FILE")"
  fi
  printf '%s' "$pid"
}

read_port() {
  local port=""
  if [[ -f "$PORTS_FILE" ]]; then
    read -r port _ <"$PORTS_FILE" || true
  fi
  printf '%s' "$port"
}

# Is $1 a live broker process started from this state folder? (Guards against pid reuse.)
is_our_broker() {
  local pid="$1" cmdline=""
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  else
    cmdline="$(ps -ww -o args= -p "$pid" 2>/dev/null || true)"
  fi
  [[ "$cmdline" == *"$KAFKA_MAIN_CLASS $CONFIG_FILE"* ]]
}

running_pid() {
  local pid
  pid="$(read_pid)"
  if is_our_broker "$pid"; then
    printf '%s' "$pid"
    return 0
  fi
  return 1
}

# Prints two free TCP ports on 127.0.0.1 (broker, controller); keeps the preferred
# ones ($1 $2, e.g. those of the previous run) when they are still free.
pick_ports() {
  node -e '
    const net = require("net");
    const want = process.argv.slice(1).map(Number);
    const held = [];
    const bind = (port) => new Promise((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(null));
      s.listen({ port, host: "127.0.0.1", exclusive: true }, () => resolve(s));
    });
    (async () => {
      const out = [];
      for (const p of want) {
        let s = p > 0 ? await bind(p) : null;
        if (!s) s = await bind(0);
        if (!s) { console.error("no free port"); process.exit(1); }
        held.push(s);
        out.push(s.address().port);
      }
      console.log(out.join(" "));
      held.forEach((s) => s.close());
    })();
  ' "${1:-0}" "${2:-0}"
}

# ---------------------------------------------------------------- config files

write_log4j_configs() {
  cat >"$LOG4J_FILE" <<'EOF'
# Generated by scripts/kafka-local.sh: broker logs to stdout (redirected to broker.log).
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.config.name = org.apache.kafka.common.config.AbstractConfig
logger.config.level = WARN
EOF
  cat >"$TOOL_LOG4J_FILE" <<'EOF'
# Generated by scripts/kafka-local.sh: storage tool logs warnings to stderr only.
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
}

write_server_config() {
  local port="$1" cport="$2"
  cat >"$CONFIG_FILE" <<EOF
# Generated by scripts/kafka-local.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=${NODE_ID}
controller.quorum.voters=${NODE_ID}@${HOST}:${cport}
listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${cport}
advertised.listeners=PLAINTEXT://${HOST}:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${DATA_DIR}
num.partitions=3
default.replication.factor=1
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
# internal topics: 1 partition instead of 50 (faster first start, fewer files)
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1
group.initial.rebalance.delay.ms=0
EOF
}

run_storage_tool() {
  "$JAVA_BIN" -Xmx256m -cp "$CACHE_DIR/*" \
    -Dlog4j2.configurationFile="$TOOL_LOG4J_FILE" \
    "$STORAGE_TOOL_CLASS" "$@" </dev/null
}

format_if_needed() {
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    return 0
  fi
  log "formatting KRaft storage in $DATA_DIR ..."
  local cluster_id
  # Same as `StorageTool random-uuid` (a random v4 UUID, base64url without padding,
  # never starting with "-") without paying for a second JVM start.
  cluster_id="$(node -e '
    const crypto = require("crypto");
    let id;
    do {
      id = Buffer.from(crypto.randomUUID().replace(/-/g, ""), "hex").toString("base64url");
    } while (id.startsWith("-"));
    console.log(id);
  ')" || true
  [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]] ||
    die "could not generate a cluster id (got '${cluster_id}')"
  if ! run_storage_tool format -t "$cluster_id" -c "$CONFIG_FILE" >>"$FORMAT_LOG" 2>&1; then
    tail -n 20 "$FORMAT_LOG" >&2 || true
    die "formatting $DATA_DIR failed (see $FORMAT_LOG); if the folder is from another Kafka version, stop the broker and delete $STATE_DIR"
  fi
}

# ---------------------------------------------------------------- start / stop

launch_broker() {
  local -a heap=() extra=() detach=()
  read -r -a heap <<<"$HEAP_OPTS"
  if [[ -n "$EXTRA_JAVA_OPTS" ]]; then
    read -r -a extra <<<"$EXTRA_JAVA_OPTS"
  fi
  # New session: the broker survives the calling shell/terminal and its Ctrl-C.
  # fds 8/9 (our flock locks) are closed for the child, or it would hold them forever.
  if command -v setsid >/dev/null 2>&1; then
    detach=(setsid)
  else
    detach=(nohup)
  fi
  rm -f "$PID_FILE"
  # `sh -c 'echo $$ ...; exec java'` records the java pid itself, however setsid forks.
  # shellcheck disable=SC2016 # $$ and $@ are expanded by the inner sh on purpose
  "${detach[@]}" sh -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    "$JAVA_BIN" "${heap[@]}" \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dlog4j2.shutdownHookEnabled=false \
    -Dlog4j2.configurationFile="$LOG4J_FILE" \
    -Dkafka.logs.dir="$STATE_DIR" \
    ${extra[@]+"${extra[@]}"} \
    -cp "$CACHE_DIR/*" \
    "$KAFKA_MAIN_CLASS" "$CONFIG_FILE" \
    </dev/null >>"$LOG_FILE" 2>&1 8>&- 9>&- &
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s "$PID_FILE" ]] && return 0
    sleep 0.05
  done
  die "the broker process did not start (no pid written); see $LOG_FILE"
}

kafkajs_available() {
  (cd "$REPO_ROOT" && node -e 'require.resolve("kafkajs")') >/dev/null 2>&1
}

# Admin round-trips through the PLAINTEXT listener with kafkajs (the client the app
# uses): the broker must list itself, and the group coordinator must answer, which on
# a fresh broker creates and loads __consumer_offsets. Without that warm-up the first
# consumer group join right after `start` can fail with COORDINATOR_LOAD_IN_PROGRESS.
probe_with_kafkajs() {
  local port="$1"
  (cd "$REPO_ROOT" && node -e '
    const { Kafka, logLevel } = require("kafkajs");
    const port = Number(process.argv[1]);
    setTimeout(() => process.exit(1), 15000).unref();
    const admin = new Kafka({
      clientId: "kafka-local-probe", brokers: ["127.0.0.1:" + port], logLevel: logLevel.NOTHING,
      connectionTimeout: 2000, requestTimeout: 5000, retry: { retries: 0 },
    }).admin();
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    (async () => {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (!cluster.brokers.some((b) => b.port === port)) process.exit(1);
      for (let i = 0; ; i++) {
        try {
          await admin.describeGroups(["kafka-local-probe"]);
          break;
        } catch (err) {
          if (i >= 40) throw err;
          await sleep(250);
        }
      }
      await admin.disconnect();
      process.exit(0);
    })().catch(() => process.exit(1));
  ' "$port") >/dev/null 2>&1
}

port_open() {
  (exec 3<>"/dev/tcp/${HOST}/$1") 2>/dev/null
}

# 0 = ready, 1 = process exited, 2 = timed out
wait_ready() {
  local pid="$1" port="$2" deadline=$((SECONDS + START_TIMEOUT)) use_kafkajs=0
  if kafkajs_available; then
    use_kafkajs=1
  fi
  while ((SECONDS < deadline)); do
    if ! is_our_broker "$pid"; then
      return 1
    fi
    if grep -q 'Kafka Server started' "$LOG_FILE" 2>/dev/null; then
      if ((use_kafkajs)); then
        probe_with_kafkajs "$port" && return 0
      else
        port_open "$port" && return 0
      fi
    fi
    sleep 0.25
  done
  return 2
}

# Send SIGTERM, wait up to $2 seconds, then SIGKILL.
terminate() {
  local pid="$1" timeout="$2" deadline
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + timeout))
  while is_our_broker "$pid"; do
    if ((SECONDS >= deadline)); then
      log "broker (pid $pid) still running after ${timeout}s: sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      local i
      for ((i = 0; i < 50; i++)); do
        is_our_broker "$pid" || break
        sleep 0.1
      done
      break
    fi
    sleep 0.2
  done
}

cmd_start() {
  mkdir -p "$STATE_DIR"
  exec 9>"$LOCK_FILE"
  flock_wait 9 "the state folder $STATE_DIR"

  local pid port cport
  if pid="$(running_pid)"; then
    port="$(read_port)"
    log "already running (pid $pid, state $STATE_DIR)"
    printf '%s:%s\n' "$HOST" "$port"
    return 0
  fi
  rm -f "$PID_FILE"

  require_java
  require_node
  resolve_libs
  write_log4j_configs

  local started=$SECONDS attempt rc=0 prev_port="" prev_cport=""
  if [[ -f "$PORTS_FILE" ]]; then
    read -r prev_port prev_cport _ <"$PORTS_FILE" || true
  fi
  for attempt in 1 2 3; do
    read -r port cport < <(pick_ports "$prev_port" "$prev_cport") || true
    [[ "${port:-}" =~ ^[0-9]+$ && "${cport:-}" =~ ^[0-9]+$ ]] || die "could not pick free ports on $HOST"
    printf '%s %s\n' "$port" "$cport" >"$PORTS_FILE"
    write_server_config "$port" "$cport"
    format_if_needed

    if [[ -f "$LOG_FILE" ]]; then
      mv -f "$LOG_FILE" "$LOG_FILE.1"
    fi
    log "starting Kafka ${KAFKA_VERSION} on ${HOST}:${port} (controller ${cport}), log $LOG_FILE"
    launch_broker
    pid="$(read_pid)"
    rc=0
    wait_ready "$pid" "$port" || rc=$?
    if ((rc == 0)); then
      log "ready in $((SECONDS - started))s (pid $pid)"
      printf '%s:%s\n' "$HOST" "$port"
      return 0
    fi
    if ((rc == 2)); then
      terminate "$pid" 5
      rm -f "$PID_FILE"
      die "broker did not answer on ${HOST}:${port} within ${START_TIMEOUT}s; see $LOG_FILE (KAFKA_LOCAL_START_TIMEOUT raises the limit)"
    fi
    rm -f "$PID_FILE"
    if grep -qE 'BindException|Address already in use' "$LOG_FILE" 2>/dev/null; then
      log "port clash on ${port}/${cport} (attempt ${attempt}); retrying on fresh ports"
      prev_port=""
      prev_cport=""
      continue
    fi
    tail -n 25 "$LOG_FILE" >&2 || true
    die "broker exited during startup; see $LOG_FILE"
  done
  die "broker could not bind free ports after 3 attempts; see $LOG_FILE"
}

cmd_stop() {
  if [[ ! -d "$STATE_DIR" ]]; then
    log "not running (no state folder $STATE_DIR)"
    return 0
  fi
  exec 9>"$LOCK_FILE"
  flock_wait 9 "the state folder $STATE_DIR"
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping broker (pid $pid) ..."
  local started=$SECONDS
  terminate "$pid" "$STOP_TIMEOUT"
  if is_our_broker "$pid"; then
    die "could not stop broker pid $pid"
  fi
  rm -f "$PID_FILE"
  log "stopped in $((SECONDS - started))s"
}

cmd_status() {
  if running_pid >/dev/null; then
    printf 'running %s:%s\n' "$HOST" "$(read_port)"
    return 0
  fi
  printf 'stopped\n'
  return 3
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  -h | --help | help)
    usage
    ;;
  *)
    usage
    exit 2
    ;;
  esac
}

main "$@"
