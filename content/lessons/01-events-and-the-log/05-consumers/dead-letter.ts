import { freshTopic, groupId, kafka } from "lab";

// Setup: ten readings, one of which is not JSON (a "poison pill").
const topic = await freshTopic("readings", { partitions: 1 });
const deadLetters = await freshTopic("readings-dlq", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
const values = [18.5, 19, 19.5, 20, 20.5, 21, 21.5, 22, 22.5].map((celsius) => JSON.stringify({ celsius }));
values.splice(4, 0, "celsius=20.25"); // offset 4 is not JSON
await producer.send({ topic, messages: values.map((value) => ({ value })) });

const consumer = kafka.consumer({ groupId: groupId("reading-processor"), maxWaitTimeInMs: 300 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });

let sum = 0;
let handled = 0;
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000); // give up after 10 s
  // JSON.parse throws a SyntaxError, which kafkajs takes for a bug in your code: the consumer crashes once,
  // without retrying or restarting (a plain Error would be retried and restarted again and again instead).
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    console.log(`The consumer crashed: ${payload.error.message}`);
    clearTimeout(timer);
    resolve();
  });
  void consumer.run({
    eachMessage: async ({ message }) => {
      // TODO: a value that is not JSON makes JSON.parse throw, and the consumer stops at that record
      //       (run it once and watch). Catch the error, send the raw record to `deadLetters` with
      //       `producer`, and carry on with the next record.
      const reading = JSON.parse(message.value!.toString()) as { celsius: number };
      sum += reading.celsius;
      if (++handled === values.length) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();
await producer.disconnect();
console.log(`Handled ${handled} of ${values.length} records; sum of good readings ${sum}`);
