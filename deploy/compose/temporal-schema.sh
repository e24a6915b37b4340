#!/bin/sh
# temporal-schema in docker-compose.yml: creates Temporal's two PostgreSQL databases and brings each to the schema
# of this admin-tools image's server version, then exits. Every step is safe to repeat, so nothing needs `|| true`:
# create-database takes an existing database as done, setup-schema -v 0.0 only adds its version tables when they
# are missing, and update-schema applies only the versions past the recorded one. Any other failure stops here.
# Reads SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD (temporal-sql-tool's own variables).
set -eu
schema_dir=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}
sql_tool=${TEMPORAL_SQL_TOOL:-temporal-sql-tool}

for pair in temporal:temporal temporal_visibility:visibility; do
  db=${pair%%:*}
  dir=$schema_dir/${pair#*:}/versioned
  "$sql_tool" --db "$db" create-database
  "$sql_tool" --db "$db" setup-schema -v 0.0
  "$sql_tool" --db "$db" update-schema -d "$dir"
done
echo "temporal-schema: temporal and temporal_visibility are at the schema in $schema_dir"
