import json

import lab
import psycopg
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
left = producer.flush(10)  # produce() only queues; flush() waits for every acknowledgement
print(f"producer: {len(snapshots) - left} snapshots acknowledged by all in-sync replicas")
print("partitions: " + ", ".join(f"{key} -> {landed[key]}" for key in sorted(landed)))

# The same table as upsert-sink.ts, in your own database, written with the same idempotent upsert.
db = psycopg.connect(lab.postgres_url(), autocommit=True)
db.execute("DROP TABLE IF EXISTS orders_py")
db.execute("CREATE TABLE orders_py (id text PRIMARY KEY, version int NOT NULL, status text NOT NULL)")
UPSERT = """
    INSERT INTO orders_py (id, version, status) VALUES (%(id)s, %(version)s, %(status)s)
    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status
    WHERE orders_py.version < EXCLUDED.version
"""

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
        db.execute(UPSERT, json.loads(msg.value()))
        # Synchronous commit of this record's offset + 1, so a crash from here re-reads nothing already written.
        consumer.commit(message=msg, asynchronous=False)
        written += 1
    committed = consumer.committed(consumer.assignment(), timeout=10)
finally:
    consumer.close()  # leave the group cleanly so its partitions are reassigned at once

total = sum(tp.offset for tp in committed if tp.offset >= 0)
print(f"sink: {written} snapshots upserted, committed offsets add up to {total}")
rows = db.execute("SELECT id, version, status FROM orders_py ORDER BY id").fetchall()
print(f"table orders_py: {len(rows)} rows")
for order_id, version, status in rows:
    print(f"  {order_id} v{version} {status}")
db.close()
