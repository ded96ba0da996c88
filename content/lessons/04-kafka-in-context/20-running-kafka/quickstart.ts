import { groupId, kafka, sleep, topic } from "lab";

const name = topic("quickstart-events");
const admin = kafka.admin();
await admin.connect();

// Start clean: delete the topic an earlier run left behind and wait until every broker has let it go.
const deadline = Date.now() + 20_000;
if ((await admin.listTopics()).includes(name)) {
  await admin.deleteTopics({ topics: [name] });
  while ((await admin.listTopics()).includes(name) && Date.now() < deadline) await sleep(200);
}

// $ bin/kafka-topics.sh --create --topic quickstart-events --bootstrap-server localhost:9092
let created = false;
while (!created) {
  try {
    // numPartitions/replicationFactor -1: use the brokers' defaults, as the CLI does without --partitions.
    created = await admin.createTopics({ topics: [{ topic: name, numPartitions: -1, replicationFactor: -1 }], waitForLeaders: true });
  } catch (error) {
    // Created, but the broker kafkajs asked for the leaders had not replayed the new topic yet: it is there.
    if ((error as { type?: string }).type === "UNKNOWN_TOPIC_OR_PARTITION") created = true;
    else if (Date.now() > deadline) throw error;
  }
  if (created) break;
  if (Date.now() > deadline) throw new Error("quickstart-events could not be created in time");
  await sleep(250); // the deletion is still finishing somewhere: try again shortly
}
console.log("[kafka-topics --create] created quickstart-events");

// $ bin/kafka-topics.sh --list --bootstrap-server localhost:9092
const listed = (await admin.listTopics()).filter((t) => t === name);
console.log(`[kafka-topics --list] ${listed.length} topic named quickstart-events`);

// $ bin/kafka-topics.sh --describe --topic quickstart-events --bootstrap-server localhost:9092
const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
for (const p of topics[0]!.partitions) {
  console.log(
    `[kafka-topics --describe] Partition: ${p.partitionId} Leader: ${p.leader} Replicas: ${p.replicas.join(",")} Isr: ${p.isr.join(",")}`,
  );
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
