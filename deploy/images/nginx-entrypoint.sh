#!/bin/bash
# The local nginx image's entry point. Debian bookworm's nginx (1.22) lacks the upstream "resolve" parameter
# (nginx 1.27.3+, the public image) that deploy/nginx.conf uses to follow gateway replicas as they come and
# go: serve a copy of /etc/nginx/conf.d without it (the gateways' addresses are then resolved once, at start,
# every replica behind the name), and with the container's own DNS server instead of Docker's 127.0.0.11.
set -euo pipefail
ns=$(awk '$1 == "nameserver" { print $2; exit }' /etc/resolv.conf)
mkdir -p /run/nginx/conf.d
rm -f /run/nginx/conf.d/*.conf
for f in /etc/nginx/conf.d/*.conf; do
  [ -e "$f" ] || continue
  sed -e 's/ resolve;/;/' -e "s/resolver 127\.0\.0\.11 /resolver ${ns:-127.0.0.11} /" "$f" > "/run/nginx/conf.d/${f##*/}"
done
sed 's#/etc/nginx/conf.d/\*\.conf#/run/nginx/conf.d/*.conf#' /etc/nginx/nginx.conf > /run/nginx/nginx.conf
if [ "${1:-}" = "nginx" ]; then shift; exec nginx -c /run/nginx/nginx.conf "$@"; fi
exec "$@"
