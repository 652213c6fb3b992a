#!/bin/sh
# The set-up job: the admin client's settings, then the generated users and ACLs.
set -eu
SCRAM=org.apache.kafka.common.security.scram.ScramLoginModule
SECRETS=${SECRETS:-/run/secrets}
ADMIN_CONFIG=${CONFIG_DIR:-/tmp}/admin.properties
cat > "$ADMIN_CONFIG" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$SCRAM required username="admin" password="$(cat "$SECRETS/kafka-admin-password")";
PROPERTIES
export ADMIN_CONFIG BOOTSTRAP="${BOOTSTRAP:-kafka-1:19092}" PASSWORDS="$SECRETS/kafka-users"
exec sh "${USERS_SCRIPT:-/opt/onewindow/kafka-users.sh}"
