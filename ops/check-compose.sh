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
HOTLINE_AUDIT_KEY="${HOTLINE_AUDIT_KEY:-check-only-audit-0123456789-0123456789}" \
HOTLINE_ADMIN_PASSWORD="${HOTLINE_ADMIN_PASSWORD:-check-only-password}" \
HOTLINE_TWILIO_ACCOUNT_SID="${HOTLINE_TWILIO_ACCOUNT_SID:-AC00000000000000000000000000000000}" \
HOTLINE_TWILIO_AUTH_TOKEN="${HOTLINE_TWILIO_AUTH_TOKEN:-check-only-auth-token-0123456789}" \
HOTLINE_TWILIO_API_KEY_SID="${HOTLINE_TWILIO_API_KEY_SID:-SK00000000000000000000000000000000}" \
HOTLINE_TWILIO_API_KEY_SECRET="${HOTLINE_TWILIO_API_KEY_SECRET:-check-only-api-key-secret-0123456}" \
HOTLINE_PHONE_NUMBER="${HOTLINE_PHONE_NUMBER:-+862912356}" \
HOTLINE_PUBLIC_URL="${HOTLINE_PUBLIC_URL:-https://hotline.example.cn}" \
HOTLINE_FALLBACK_NUMBER="${HOTLINE_FALLBACK_NUMBER:-+862912320}" \
  docker-compose -f "$root/docker-compose.yml" config -q
echo "docker-compose.yml is valid"
