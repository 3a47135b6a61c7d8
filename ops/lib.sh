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

# A secret made once into $data/<name> (mode 600; <bytes> random bytes, base64 without '/+='), printed for the caller.
# Needs $data set by the script.
secret() {
  if [ ! -s "$data/$1" ]; then
    (umask 077; head -c "$2" /dev/urandom | base64 | tr -d '/+=\n' > "$data/$1")
  fi
  cat "$data/$1"
}

# The data-protection key-encryption key: exactly 32 bytes in standard base64 (the host checks), made once.
key_encryption_key() {
  if [ ! -s "$data/dp-kek" ]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr -d '\n' > "$data/dp-kek")
  fi
  cat "$data/dp-kek"
}

# Writes a Redis config (mode 600: Redis reads its passwords from it, not from the command line ps shows):
# loopback, AOF fsynced on every write, the admin password for the default user and an ACL user "hotline" for the app.
#   write_redis_conf FILE PORT DIR LOGFILE ADMIN_PASSWORD APP_PASSWORD SAVE
write_redis_conf() {
  (umask 077; cat > "$1" <<CONF
bind 127.0.0.1
port $2
dir $3
appendonly yes
appendfsync always
save "$7"
logfile $4
requirepass $5
user hotline on >$6 ~* &* +@all -@dangerous +info +client|setname +client|id
CONF
)
}
