#!/bin/sh
# Run once by the postgres image on an empty data volume (deploy/compose.yml):
# the assistant's role owns only its database; no superuser, no CREATEDB/CREATEROLE.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v pw="$TRACKER_STORE_PASSWORD" <<'SQL'
CREATE ROLE rasa LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'pw';
CREATE DATABASE rasa OWNER rasa ENCODING 'UTF8';
REVOKE ALL ON DATABASE rasa FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE rasa TO rasa;
REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;
SQL
