# Sourced by CI stages: start_server BUILD_DIR starts that build's
# activation-server with gRPC and HTTP/REST on free loopback ports, waits until
# it listens, sets ACTIVATION_TARGET (host:port of gRPC) and http_port, and
# stops it when the stage exits (printing its log if the stage failed).
start_server() {
  server_work=$(mktemp -d)
  "$1/server/activation-server" --listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --port-file "$server_work/port" \
    >"$server_work/server.log" 2>&1 &
  server_pid=$!
  trap stop_server EXIT
  for _ in $(seq 100); do
    [ -s "$server_work/port" ] && break
    kill -0 "$server_pid" || { echo "activation-server exited before listening" >&2; exit 1; }
    sleep 0.1
  done
  [ -s "$server_work/port" ] || { echo "activation-server did not write its port file" >&2; exit 1; }
  # The port file holds the gRPC port; the HTTP one is in the start-up log line.
  http_port=$(grep -ao 'http_port=[0-9]*' "$server_work/server.log" | head -n1 | cut -d= -f2)
  [ -n "$http_port" ] || { echo "no http_port in the server's log" >&2; exit 1; }
  export ACTIVATION_TARGET=127.0.0.1:$(head -n1 "$server_work/port")
}

stop_server() {
  local status=$?
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  [ "$status" -eq 0 ] || { echo "--- server log (last 30 lines)"; tail -n 30 "$server_work/server.log"; }
  rm -rf "$server_work"
}
