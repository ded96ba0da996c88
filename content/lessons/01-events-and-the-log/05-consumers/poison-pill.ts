import { freshTopic, groupId, kafka } from "lab";

// Three records; the one at offset 1 is not JSON.
const topic = await freshTopic("poison", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: ['{"celsius":19}', "celsius=20", '{"celsius":21}'].map((value) => ({ value })) });
await producer.disconnect();

/** Runs one consumer whose handler throws `failOn(value)` at offset 1, until its `crashes`-th crash; reports. */
async function watch(label: string, failOn: (value: string) => never, crashes: number): Promise<void> {
  const consumer = kafka.consumer({
    groupId: groupId(`poison-${label}`),
    maxWaitTimeInMs: 300,
    // The default is 5 retries starting at 300 ms and doubling; 2 quick ones keep the demo short.
    retry: { retries: 2, initialRetryTime: 200 },
  });
  let calls = 0;
  const seen: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const enough = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 20_000);
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      seen.push(`${payload.error.name} (restart: ${payload.restart})`);
      // kafkajs schedules its restart right after this event: stop just after that, so disconnect() cancels it.
      if (seen.length === crashes) setImmediate(resolve);
    });
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.offset !== "1") return;
      calls++;
      failOn(message.value!.toString());
    },
  });
  await enough;
  clearTimeout(timer);
  await consumer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  const [committed] = await admin.fetchOffsets({ groupId: groupId(`poison-${label}`), topics: [topic] });
  await admin.disconnect();
  console.log(`${label}: the handler ran ${calls} time${calls === 1 ? "" : "s"} on offset 1`);
  console.log(`  crash events: ${seen.join(", ") || "none"}`);
  console.log(`  committed offset: ${committed!.partitions[0]!.offset} (the bad record is never passed)`);
}

// 1. A plain Error: kafkajs treats it as retriable. It retries, gives up, crashes with restart: true, and the
//    restarted consumer meets the same record again. This loops until someone stops it: here, at the 2nd crash.
await watch(
  "plain Error",
  (value) => {
    throw new Error(`cannot use "${value}"`);
  },
  2,
);

// 2. A SyntaxError (what JSON.parse throws): kafkajs treats it as a bug in your code. No retry, no restart.
await watch(
  "SyntaxError",
  (value) => {
    JSON.parse(value);
    throw new Error("unreachable");
  },
  1,
);
