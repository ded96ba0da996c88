import lab
from confluent_kafka import KafkaException, Producer

# The same topic as produce.ts, made afresh: three partitions, the brokers' default replication factor.
topic = lab.fresh_topic("first-events", partitions=3)

producer = Producer(lab.config())


def on_delivery(err, msg):
    # librdkafka calls this once the broker has answered for the record (from poll or flush).
    if err is not None:
        raise KafkaException(err)
    lab.report(msg)
    print(f"Written to {lab.display_name(msg.topic())}, partition {msg.partition()}, offset {msg.offset()}")


producer.produce(topic, key="learner-1", value="hello, Kafka", on_delivery=on_delivery)
# produce() only queues the record (librdkafka's threads send it); flush() waits for the broker's answer.
producer.flush(10)
