# Apache Kafka's quickstart with the real command-line tools, from the same 4.3.1 jars as the course cluster.
# $LAB_BOOTSTRAP holds the course cluster's brokers. $LAB_PREFIX starts your session's names ("" on a laptop).
topic="${LAB_PREFIX}quickstart-events-$RANDOM"

echo "# kafka-storage.sh random-uuid (a new cluster id: the servers' first step, no cluster needed)"
kafka-storage.sh random-uuid

echo "# kafka-topics.sh --create"
kafka-topics.sh --bootstrap-server "$LAB_BOOTSTRAP" --create --topic "$topic"

echo "# kafka-topics.sh --describe"
kafka-topics.sh --bootstrap-server "$LAB_BOOTSTRAP" --describe --topic "$topic"

echo "# kafka-console-producer.sh (one event per line it reads)"
printf 'This is my first event\nThis is my second event\n' |
  kafka-console-producer.sh --bootstrap-server "$LAB_BOOTSTRAP" --topic "$topic"

echo "# kafka-console-consumer.sh --from-beginning (it stops after two)"
kafka-console-consumer.sh --bootstrap-server "$LAB_BOOTSTRAP" --topic "$topic" --from-beginning --max-messages 2

echo "# kafka-topics.sh --delete (clean up)"
kafka-topics.sh --bootstrap-server "$LAB_BOOTSTRAP" --delete --topic "$topic"
echo "deleted $topic"
