import { freshTopic, groupId, kafka } from "lab";

// One partition, so the processor sees the records in exactly the order they were sent. (Kafka Streams tracks
// "stream time" per task, that is per input partition; with one partition there is one stream time.)
const views = await freshTopic("page-views", { partitions: 1 });

// Event time, not arrival time: the producer stamps each view with when it happened.
const minute = 60_000;
const grace = 30_000; // how long after a window ends records for it are still accepted
const start = Math.floor(Date.now() / minute) * minute - 3 * minute; // three whole minutes ago
const events: Array<[page: string, secondsAfterStart: number]> = [
  ["/home", 5],
  ["/home", 40],
  ["/docs", 50],
  ["/home", 65],
  ["/docs", 70],
  ["/home", 58], // late: sent after 1:10, but within minute 0's grace period (open until 1:30)
  ["/docs", 110],
  ["/docs", 119],
  ["/home", 130],
  ["/docs", 45], // too late: stream time is already 2:10, and minute 0 closed at 1:30
];
const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic: views,
  messages: events.map(([page, s]) => ({ key: page, value: page, timestamp: String(start + s * 1000) })),
});
await producer.disconnect();

const clock = (ms: number) => `${Math.floor((ms - start) / minute)}:${String(((ms - start) % minute) / 1000).padStart(2, "0")}`;

// Tumbling one-minute windows: each record counts towards exactly one window, chosen by its timestamp.
const windows = new Map<string, number>();
let streamTime = 0; // the highest timestamp seen so far
const consumer = kafka.consumer({ groupId: groupId("page-view-windows") });
await consumer.connect();
await consumer.subscribe({ topic: views, fromBeginning: true });
let seen = 0;
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  void consumer.run({
    eachMessage: async ({ message }) => {
      const time = Number(message.timestamp);
      const windowStart = Math.floor(time / minute) * minute;
      streamTime = Math.max(streamTime, time);
      const label = `${String(message.key)} at ${clock(time)}`;
      if (streamTime >= windowStart + minute + grace) {
        console.log(
          `too late, dropped: ${label} (stream time ${clock(streamTime)}, its window closed at ${clock(windowStart + minute + grace)})`,
        );
      } else {
        if (time < streamTime) console.log(`late but within grace: ${label} (stream time ${clock(streamTime)})`);
        const key = `${String(message.key)} @ minute ${(windowStart - start) / minute}`;
        windows.set(key, (windows.get(key) ?? 0) + 1);
      }
      if (++seen === events.length) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();

for (const [key, count] of [...windows].sort()) console.log(`${key}: ${count} view${count === 1 ? "" : "s"}`);
