# Shared helpers for ops/run.sh and ops/test.sh (sourced, not run).

# Installs Debian packages that are missing; runs apt-get update once first.
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Node.js and npm bundle the browser softphone when the web project builds. Debian's packages, unless an
# npm is already on PATH (NodeSource's nodejs ships its own npm and conflicts with Debian's npm package).
ensure_npm() {
  command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm
}

ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET 10 SDK is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)." >&2
    exit 1
  fi
}

# Prints a TCP port on 127.0.0.1 nobody listens on, from the range given.
free_port() {
  local port
  for port in $(seq "$1" "$2"); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "No free port in $1-$2" >&2
  return 1
}

# Waits until redis-cli gets PONG from the port, or fails after ~10 s.
wait_for_redis() {
  for _ in $(seq 1 100); do
    [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = "PONG" ] && return 0
    sleep 0.1
  done
  echo "Redis on port $1 did not start" >&2
  return 1
}
