from datetime import datetime, timezone

import lab
from confluent_kafka import Consumer, KafkaException, Producer

topic = lab.fresh_topic("first-events", partitions=3)

producer = Producer(lab.config())
producer.produce(topic, key="learner-1", value="hello, Kafka", on_delivery=lambda err, msg: lab.report(msg))
producer.flush(10)

# A new group with no committed offsets: auto.offset.reset=earliest starts it at the oldest record.
consumer = Consumer(lab.config(**{"group.id": lab.group_id("first-reader-py"), "auto.offset.reset": "earliest"}))
consumer.subscribe([topic])
try:
    while True:
        msg = consumer.poll(1.0)
        if msg is None:
            continue  # nothing yet: the group is still joining, or no record has arrived
        if msg.error():
            raise KafkaException(msg.error())
        # timestamp() is (type, milliseconds since 1970); the type says who set it (here the producer).
        _, millis = msg.timestamp()
        time = datetime.fromtimestamp(millis / 1000, tz=timezone.utc).isoformat(timespec="milliseconds")
        print(f"Read back from {lab.display_name(msg.topic())}, partition {msg.partition()}, offset {msg.offset()}")
        print(f"  key={msg.key().decode()} value={msg.value().decode()} timestamp={time}")
        break
finally:
    consumer.close()  # leaves the group at once, instead of after the session timeout
