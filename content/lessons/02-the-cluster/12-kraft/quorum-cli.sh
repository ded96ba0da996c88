# The same DescribeQuorum request as find-controller.ts, sent by Kafka's own tool. A broker forwards it to the
# active controller.
kafka-metadata-quorum.sh --bootstrap-server "$LAB_BOOTSTRAP" describe --status
echo
kafka-metadata-quorum.sh --bootstrap-server "$LAB_BOOTSTRAP" describe --replication --human-readable
