import lab
from confluent_kafka import Producer

# Where do the order keys land? librdkafka's default partitioner against the Java client's (which kafkajs copies).
topic = lab.fresh_topic("partitioner-check", partitions=3)
for partitioner in ["consistent_random", "murmur2_random"]:
    producer = Producer(lab.config(partitioner=partitioner))
    landed = {}
    for key in ["o-1", "o-2", "o-3"]:
        producer.produce(topic, key=key, value="where?", on_delivery=lambda err, msg: landed.update({msg.key().decode(): msg.partition()}))
    producer.flush(10)
    print(f"{partitioner:>17}: " + ", ".join(f"{key} -> partition {landed[key]}" for key in sorted(landed)))
