import { groupId, kafka, sleep, topic } from "lab";

const name = topic("quickstart-events");
const admin = kafka.admin();
await admin.connect();

// $ bin/kafka-topics.sh --create --topic quickstart-events --bootstrap-server localhost:9092
if ((await admin.listTopics()).includes(name)) await admin.deleteTopics({ topics: [name] }); // start clean
let created = false;
for (let attempt = 0; !created; attempt++) {
  if (attempt === 40) throw new Error("could not create quickstart-events");
  // numPartitions/replicationFactor -1: use the brokers' defaults, as the CLI does without --partitions.
  created = await admin
    .createTopics({ topics: [{ topic: name, numPartitions: -1, replicationFactor: -1 }], waitForLeaders: true })
    .catch(() => false);
  if (!created) await sleep(250); // a deletion still finishing on some broker: try again shortly
}
console.log("[kafka-topics --create] created quickstart-events");

// $ bin/kafka-topics.sh --list --bootstrap-server localhost:9092
const listed = (await admin.listTopics()).filter((t) => t === name);
console.log(`[kafka-topics --list] ${listed.length} topic named quickstart-events`);

// $ bin/kafka-topics.sh --describe --topic quickstart-events --bootstrap-server localhost:9092
const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
for (const p of topics[0]!.partitions) {
  console.log(`[kafka-topics --describe] Partition: ${p.partitionId} Leader: ${p.leader} Replicas: ${p.replicas.join(",")} Isr: ${p.isr.join(",")}`);
}
await admin.disconnect();

// $ bin/kafka-console-producer.sh --topic quickstart-events --bootstrap-server localhost:9092
// > This is my first event
// > This is my second event
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: name, messages: [{ value: "This is my first event" }, { value: "This is my second event" }] });
await producer.disconnect();
console.log("[kafka-console-producer] sent 2 lines");

// $ bin/kafka-console-consumer.sh --topic quickstart-events --from-beginning --bootstrap-server localhost:9092
// (the console consumer joins a throwaway group; so does this one)
const consumer = kafka.consumer({ groupId: groupId(`console-consumer-${Date.now()}`) });
await consumer.connect();
await consumer.subscribe({ topic: name, fromBeginning: true });
let seen = 0;
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  void consumer.run({
    autoCommit: false, // like the console consumer's throwaway group: leave no offsets behind
    eachMessage: async ({ message }) => {
      console.log(`[kafka-console-consumer] ${message.value}`);
      if (++seen === 2) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();
