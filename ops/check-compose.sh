#!/usr/bin/env bash
# Validates docker-compose.yml with Debian's docker-compose (no Docker engine is needed for this).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"
command -v docker-compose >/dev/null 2>&1 || ensure_packages docker-compose
HOTLINE_CALLER_HASH_KEY="${HOTLINE_CALLER_HASH_KEY:-check-only-0123456789-0123456789}" \
HOTLINE_NUMBER_KEY="${HOTLINE_NUMBER_KEY:-check-only-number-key-0123456789-0123456789}" \
HOTLINE_REDIS_PASSWORD="${HOTLINE_REDIS_PASSWORD:-check-only-redis-password-0123456789}" \
HOTLINE_DP_KEK="${HOTLINE_DP_KEK:-Y2hlY2stb25seS1rZXktZW5jcnlwdGlvbi1rZXktMzI=}" \
HOTLINE_TLS_DIR="${HOTLINE_TLS_DIR:-/etc/ssl/hotline}" \
HOTLINE_ADMIN_PASSWORD="${HOTLINE_ADMIN_PASSWORD:-check-only-password}" \
  docker-compose -f "$root/docker-compose.yml" config -q
echo "docker-compose.yml is valid"
