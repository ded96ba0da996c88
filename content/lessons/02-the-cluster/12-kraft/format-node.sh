# Format a new KRaft node's log directory, the step before its first start. Everything happens in this run's own
# /tmp: no broker takes part.
mkdir -p /tmp/node-1
cat >/tmp/node-1/server.properties <<'PROPERTIES'
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=localhost:9093
log.dirs=/tmp/node-1/data
PROPERTIES

cluster_id=$(kafka-storage.sh random-uuid)
echo "cluster id: $cluster_id"
formatted=$(kafka-storage.sh format --standalone -t "$cluster_id" -c /tmp/node-1/server.properties)
echo "$formatted" | grep '^Formatting'
echo "# the feature levels the new cluster starts with"
echo "$formatted" | grep -o "name='[a-z.]*', featureLevel=[0-9]*"

echo "# what format wrote"
ls /tmp/node-1/data
grep -v '^#' /tmp/node-1/data/meta.properties

echo "# formatting the same directory again"
kafka-storage.sh format --standalone -t "$cluster_id" -c /tmp/node-1/server.properties || echo "refused, exit status $?"
