#!/bin/sh
# WP-Cron from outside: calls wp-cron.php on WordPress's internal address every WP_CRON_INTERVAL_SECONDS, because
# WordPress's own loopback to its published URL cannot work inside a container (docker-compose.yml, wordpress-cron).
# A failed call is reported and tried again at the next tick: a cron service that exits would stop every retry.
set -eu
url=${WP_CRON_URL:?WP_CRON_URL is the wp-cron.php URL, e.g. http://wordpress/wp-cron.php}
interval=${WP_CRON_INTERVAL_SECONDS:-60}

trap 'exit 0' INT TERM
while :; do
  if ! curl -fsS --max-time 60 -o /dev/null "$url"; then
    echo "wordpress-cron: $url failed; trying again in ${interval}s" >&2
  fi
  sleep "$interval" &
  wait $!
done
