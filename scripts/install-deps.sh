#!/usr/bin/env bash
# Installs what the engine's tests use, from Debian's packages, on a fresh machine.
# Needs root (or sudo). Safe to run again: apt skips what is installed.
set -euo pipefail

packages=(
  kcat                 # independent Kafka producer for end-to-end tests
  postgresql           # durable state (Orleans AdoNet providers)
  kannel kannel-extras # SMS gateway with fakesmsc, for SMS tests
  prometheus           # promtool checks metrics and rules
  docker-compose       # `docker-compose config` checks deploy/compose (no daemon needed)
  libsasl2-2           # librdkafka's default build links it
  curl
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
# The packages start system services we do not use: tests start their own instances.
for service in prometheus kannel postgresql; do
  "${sudo_cmd[@]}" service "$service" stop >/dev/null 2>&1 || true
done
echo "dependencies installed: ${packages[*]}"
