#!/bin/sh
# Start one node of the compose cluster: KRaft controller and broker in one process.
# Controllers authenticate each other with SASL/PLAIN (KRaft cannot use SCRAM there, the
# credentials live in the metadata they replicate); brokers and clients use SCRAM-SHA-512.
# The admin's SCRAM credential is written into the metadata when the storage is formatted.
set -eu
: "${NODE_ID:?}" "${CLUSTER_ID:?}"
KAFKA_HOME=${KAFKA_HOME:-/opt/kafka}
SECRETS=${SECRETS:-/run/secrets}
CONFIG_DIR=${CONFIG_DIR:-/tmp}
ADMIN_PASSWORD=$(cat "$SECRETS/kafka-admin-password")
CONFIG=$CONFIG_DIR/server.properties
SCRAM=org.apache.kafka.common.security.scram.ScramLoginModule
PLAIN=org.apache.kafka.common.security.plain.PlainLoginModule

cat > "$CONFIG" <<PROPERTIES
process.roles=broker,controller
node.id=$NODE_ID
controller.quorum.voters=1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093
listeners=INTERNAL://:19092,CLIENT://:9092,CONTROLLER://:9093
advertised.listeners=INTERNAL://kafka-$NODE_ID:19092,CLIENT://kafka-$NODE_ID:9092
listener.security.protocol.map=INTERNAL:SASL_PLAINTEXT,CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=INTERNAL
controller.listener.names=CONTROLLER
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=$PLAIN required username="admin" password="$ADMIN_PASSWORD" user_admin="$ADMIN_PASSWORD";
listener.name.internal.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.internal.scram-sha-512.sasl.jaas.config=$SCRAM required username="admin" password="$ADMIN_PASSWORD";
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=$SCRAM required;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin
log.dirs=/var/lib/kafka/data
auto.create.topics.enable=false
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
PROPERTIES

# The admin client's settings, for the health check and the set-up job.
cat > "$CONFIG_DIR/admin.properties" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$SCRAM required username="admin" password="$ADMIN_PASSWORD";
PROPERTIES

"$KAFKA_HOME/bin/kafka-storage.sh" format --ignore-formatted --cluster-id "$CLUSTER_ID" \
  --config "$CONFIG" --add-scram "SCRAM-SHA-512=[name=admin,password=$ADMIN_PASSWORD]"
exec "$KAFKA_HOME/bin/kafka-server-start.sh" "$CONFIG"
