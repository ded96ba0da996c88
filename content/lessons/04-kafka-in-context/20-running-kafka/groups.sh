# kafka-consumer-groups.sh on a group that read six orders, then missed three while it was offline.
topic="${LAB_PREFIX}quickstart-orders-$RANDOM"
group="${LAB_PREFIX}order-service-$RANDOM"
kafka-topics.sh --bootstrap-server "$LAB_BOOTSTRAP" --create --topic "$topic" --partitions 3 >/dev/null

orders() { for i in "$@"; do echo "customer-$((i % 4)):order $i"; done; }
produce() {
  kafka-console-producer.sh --bootstrap-server "$LAB_BOOTSTRAP" --topic "$topic" \
    --reader-property parse.key=true --reader-property key.separator=:
}

orders 1 2 3 4 5 6 | produce
# The group reads all six; the console consumer commits its position when it stops.
kafka-console-consumer.sh --bootstrap-server "$LAB_BOOTSTRAP" --topic "$topic" --group "$group" \
  --from-beginning --max-messages 6 >/dev/null
orders 7 8 9 | produce

echo "# kafka-consumer-groups.sh --describe"
kafka-consumer-groups.sh --bootstrap-server "$LAB_BOOTSTRAP" --describe --group "$group"

echo "# kafka-consumer-groups.sh --reset-offsets --to-earliest --execute"
kafka-consumer-groups.sh --bootstrap-server "$LAB_BOOTSTRAP" --group "$group" --topic "$topic" \
  --reset-offsets --to-earliest --execute

kafka-topics.sh --bootstrap-server "$LAB_BOOTSTRAP" --delete --topic "$topic"
