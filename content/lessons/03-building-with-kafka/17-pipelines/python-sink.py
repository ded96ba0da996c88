import json

import lab
from confluent_kafka import Consumer, KafkaException, Producer

# The same order snapshots as upsert-sink.ts, written from Python.
orders = lab.fresh_topic("order-snapshots", partitions=3)
snapshots = [
    {"id": "o-1", "version": 1, "status": "created"},
    {"id": "o-2", "version": 1, "status": "created"},
    {"id": "o-1", "version": 2, "status": "paid"},
    {"id": "o-3", "version": 1, "status": "created"},
    {"id": "o-2", "version": 2, "status": "cancelled"},
]
# The Java client's setting names: acks=all and idempotence, as the TypeScript producers in this course use, and
# the Java client's key hashing (murmur2), so each order lands in the partition kafkajs would choose.
producer = Producer(lab.config(**{"acks": "all", "enable.idempotence": True, "partitioner": "murmur2_random"}))
landed = {}


def on_delivery(err, msg):
    if err is not None:
        raise KafkaException(err)
    lab.report(msg)
    landed[msg.key().decode()] = msg.partition()


for snapshot in snapshots:
    producer.produce(orders, key=snapshot["id"], value=json.dumps(snapshot), on_delivery=on_delivery)
left = producer.flush(10)  # produce() only queues; flush() waits for the acknowledgements
print(f"producer: {len(snapshots) - left} snapshots acknowledged by all in-sync replicas")
print("partitions: " + ", ".join(f"{key} -> {landed[key]}" for key in sorted(landed)))

# A stand-in for the table, written with the same idempotent rule as the upsert in upsert-sink.ts.
table = {}


def upsert(row):
    current = table.get(row["id"])
    if current is None or current["version"] < row["version"]:
        table[row["id"]] = row


consumer = Consumer(
    lab.config(
        **{
            "group.id": lab.group_id("orders-db-sink-py"),
            "auto.offset.reset": "earliest",  # like fromBeginning: true, for a group with no committed offset
            "enable.auto.commit": False,  # commit after the write, not before
        }
    )
)
consumer.subscribe([orders])
written = 0
try:
    while written < len(snapshots):
        msg = consumer.poll(10.0)
        if msg is None:
            raise TimeoutError("no snapshot arrived within 10 seconds")
        if msg.error():
            raise KafkaException(msg.error())  # a real problem: do not skip it
        upsert(json.loads(msg.value()))
        # Synchronous commit of this record's offset + 1, so a crash from here re-reads nothing already written.
        consumer.commit(message=msg, asynchronous=False)
        written += 1
    committed = consumer.committed(consumer.assignment(), timeout=10)
finally:
    consumer.close()  # leave the group cleanly so its partitions are reassigned at once

total = sum(tp.offset for tp in committed if tp.offset >= 0)
print(f"sink: {written} snapshots upserted, committed offsets add up to {total}")
print(f"table: {len(table)} rows")
for row in sorted(table.values(), key=lambda r: r["id"]):
    print(f"  {row['id']} v{row['version']} {row['status']}")
