# A share group from the shell, with Kafka's own console share consumer.
topic="${LAB_PREFIX}jobs-cli-$RANDOM"
group="${LAB_PREFIX}workers-cli-$RANDOM"
kafka-topics.sh --bootstrap-server "$LAB_BOOTSTRAP" --create --topic "$topic" --partitions 1 >/dev/null
for i in 1 2 3 4 5 6 7 8; do echo "job-$i"; done |
  kafka-console-producer.sh --bootstrap-server "$LAB_BOOTSTRAP" --topic "$topic"
# A new share group starts at the end of its topics: start this one at the beginning instead.
kafka-configs.sh --bootstrap-server "$LAB_BOOTSTRAP" --alter --entity-type groups --entity-name "$group" \
  --add-config share.auto.offset.reset=earliest

echo "# a member of the share group takes the eight jobs and accepts each one as it prints it"
kafka-console-share-consumer.sh --bootstrap-server "$LAB_BOOTSTRAP" --topic "$topic" --group "$group" \
  --max-messages 8 2>/dev/null

echo "# the share group's state: where delivery starts, and what is left"
kafka-share-groups.sh --bootstrap-server "$LAB_BOOTSTRAP" --describe --group "$group"

echo "# a consumer group reads the same topic from the beginning"
kafka-console-consumer.sh --bootstrap-server "$LAB_BOOTSTRAP" --topic "$topic" --from-beginning --max-messages 8 \
  2>/dev/null | wc -l | sed 's/$/ records/'
