#!/bin/sh
# Create the compose installation's secrets under secrets/ (never committed), once:
# a password per Kafka principal, the admin's and PostgreSQL's, and one env file per
# hub process. Existing files are kept, so running it again changes nothing.
#   cd deploy/compose && cp .env.example .env && ./make-secrets.sh
set -eu
cd "$(dirname "$0")"
umask 077
# shellcheck source=/dev/null
[ -f .env ] && . ./.env
mkdir -p secrets/kafka-users inbox/market-regulation

random() { head -c 24 /dev/urandom | base64 | tr -d '/+=' ; }
keep() { [ -s "$1" ] || random > "$1"; }

keep secrets/kafka-admin.password
keep secrets/postgres.password
while read -r principal; do keep "secrets/kafka-users/$principal"; done < generated/principals.txt

database="postgresql+psycopg://onewindow:$(cat secrets/postgres.password)@postgres:5432/onewindow"
for principal in onewindow-worker onewindow-archiver onewindow-api onewindow-provisioner \
  onewindow-connector-file-import onewindow-connector-webhook; do
  [ -s "secrets/$principal.env" ] || cat > "secrets/$principal.env" <<ENV
ONEWINDOW_KAFKA__SASL_USERNAME=$principal
ONEWINDOW_KAFKA__SASL_PASSWORD=$(cat "secrets/kafka-users/$principal")
ONEWINDOW_DATABASE_URL=$database
ENV
done

[ -s secrets/schema-registry.env ] || cat > secrets/schema-registry.env <<ENV
SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG=org.apache.kafka.common.security.scram.ScramLoginModule required username="schema-registry" password="$(cat secrets/kafka-users/schema-registry)";
ENV

[ -s secrets/webhook.toml ] || sed -e "s|@WEBHOOK_URL@|${WEBHOOK_URL:?set WEBHOOK_URL in .env}|" \
  -e "s|@WEBHOOK_SECRET@|$(random)|" connectors/webhook.toml.example > secrets/webhook.toml
echo "secrets are in $(pwd)/secrets"
