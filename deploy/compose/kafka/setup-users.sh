#!/bin/sh
# The set-up job: the admin client's settings, then the generated users and ACLs.
set -eu
SCRAM=org.apache.kafka.common.security.scram.ScramLoginModule
ADMIN_CONFIG=/tmp/admin.properties
cat > "$ADMIN_CONFIG" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$SCRAM required username="admin" password="$(cat /run/secrets/kafka-admin-password)";
PROPERTIES
export ADMIN_CONFIG BOOTSTRAP=kafka-1:19092 PASSWORDS=/run/secrets/kafka-users
exec sh /opt/onewindow/kafka-users.sh
