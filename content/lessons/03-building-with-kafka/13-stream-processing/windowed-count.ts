import { freshTopic, groupId, kafka } from "lab";

const views = await freshTopic("page-views", { partitions: 3 });

// Event time, not arrival time: the producer stamps each view with when it happened.
const minute = 60_000;
const start = Math.floor(Date.now() / minute) * minute - 3 * minute; // three whole minutes ago
const events: Array<[page: string, secondsAfterStart: number]> = [
  ["/home", 5],
  ["/home", 40],
  ["/docs", 50],
  ["/home", 65],
  ["/docs", 70],
  ["/docs", 110],
  ["/docs", 119],
  ["/home", 130],
  ["/docs", 45], // arrives late (sent last) but belongs to the first minute
];
const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic: views,
  messages: events.map(([page, s]) => ({ key: page, value: page, timestamp: String(start + s * 1000) })),
});
await producer.disconnect();

// Tumbling one-minute windows: each record counts towards exactly one window, chosen by its timestamp.
const windows = new Map<string, number>();
const consumer = kafka.consumer({ groupId: groupId("page-view-windows") });
await consumer.connect();
await consumer.subscribe({ topic: views, fromBeginning: true });
let seen = 0;
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  void consumer.run({
    eachMessage: async ({ message }) => {
      const windowStart = Math.floor(Number(message.timestamp) / minute) * minute;
      const key = `${String(message.key)} @ minute ${(windowStart - start) / minute}`;
      windows.set(key, (windows.get(key) ?? 0) + 1);
      if (++seen === events.length) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();

for (const [key, count] of [...windows].sort()) console.log(`${key}: ${count} view${count === 1 ? "" : "s"}`);
