import { freshTopic, groupId, kafka } from "lab";

const trips = await freshTopic("trip-events", { partitions: 3 });
const deadLetters = await freshTopic("trip-events-dlq", { partitions: 1 });

const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic: trips,
  messages: [
    { key: "t-1", value: JSON.stringify({ tripId: "t-1", distanceKm: 3.2, fare: 14.5 }) },
    { key: "t-2", value: "{ this is not JSON" },
    { key: "t-3", value: JSON.stringify({ tripId: "t-3", distanceKm: 11.8, fare: 38 }) },
    { key: "t-4", value: '{"tripId": "t-4", "distanceKm": 0.9}' }, // no fare; written by a Python producer (json.dumps spacing)
    { key: "t-5", value: JSON.stringify({ tripId: "t-5", distanceKm: 6.1, fare: 21.75 }) },
  ],
});

// The "table" this sink loads (a stand-in for PostgreSQL).
const table = new Map<string, { distanceKm: number; fare: number }>();

const sink = kafka.consumer({ groupId: groupId("trip-sink") });
await sink.connect();
await sink.subscribe({ topic: trips, fromBeginning: true });
let seen = 0;
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  void sink.run({
    eachMessage: async ({ topic, partition, message }) => {
      try {
        const trip = JSON.parse(String(message.value)) as { tripId: string; distanceKm: number; fare: number };
        if (typeof trip.fare !== "number") throw new Error("fare is missing");
        table.set(trip.tripId, { distanceKm: trip.distanceKm, fare: trip.fare });
      } catch (error) {
        // Park the record, unchanged, in the dead-letter topic with the reason and its origin in headers.
        // The sink then moves on, so one bad record cannot stop the pipeline.
        await producer.send({
          topic: deadLetters,
          messages: [
            {
              key: message.key,
              value: message.value,
              headers: {
                error: (error as Error).message,
                "source-topic": topic,
                "source-partition": String(partition),
                "source-offset": String(Number(message.offset) + 1), // where to resume, as a commit stores it
              },
            },
          ],
        });
        console.log(`dead-lettered ${topic}/${partition}@${message.offset}: ${(error as Error).message}`);
      }
      if (++seen === 5) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await sink.disconnect();
await producer.disconnect();
console.log(`loaded ${table.size} trips: ${[...table.keys()].join(", ")}`);
