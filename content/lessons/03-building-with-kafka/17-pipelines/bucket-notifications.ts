import { freshTopic, groupId, kafka } from "lab";

// The topic a bucket's event notifications go to. Here the snippet plays the object store's part.
const notifications = await freshTopic("nyc_trip_records", { partitions: 3 });

/**
 * How MinIO writes an object key into Records[].s3.object.key: URL-encoded for a query string (Go's
 * url.QueryEscape), so "/" becomes %2F and a space becomes "+". AWS S3 URL-encodes the key there too.
 */
function queryEscape(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

/** An S3-style "object created" notification, the shape S3-compatible stores such as MinIO publish. */
function objectCreated(bucket: string, key: string, size: number) {
  return {
    EventName: "s3:ObjectCreated:Put",
    Key: `${bucket}/${key}`, // the top-level Key is plain text
    Records: [
      {
        eventVersion: "2.0",
        eventSource: "minio:s3",
        eventTime: new Date().toISOString(),
        eventName: "s3:ObjectCreated:Put",
        s3: { bucket: { name: bucket }, object: { key: queryEscape(key), size, contentType: "application/octet-stream" } },
      },
    ],
  };
}

const uploads = [
  objectCreated("taxi-trips", "2024/yellow_tripdata_2024-01.parquet", 49_961_641),
  objectCreated("taxi-trips", "2024/yellow_tripdata_2024-02.parquet", 50_349_284),
  objectCreated("taxi-trips", "2024/green_tripdata_2024-01.parquet", 1_364_357),
  objectCreated("taxi-trips", "2024/notes/read me.txt", 2_048),
];
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: notifications, messages: uploads.map((n) => ({ key: n.Key, value: JSON.stringify(n) })) });
await producer.disconnect();

// The pipeline's first stage: react to each new object. A real one would now download it and load its rows.
const loader = kafka.consumer({ groupId: groupId("trip-loader") });
await loader.connect();
await loader.subscribe({ topic: notifications, fromBeginning: true });
let bytes = 0;
let seen = 0;
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  void loader.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(String(message.value)) as ReturnType<typeof objectCreated>;
      for (const record of event.Records) {
        if (!record.eventName.startsWith("s3:ObjectCreated:")) continue; // ignore deletes and the like
        // Decode the key before using it: GetObject with "2024%2F…" would answer NoSuchKey.
        const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
        bytes += record.s3.object.size;
        const size = record.s3.object.size;
        console.log(
          `new object s3://${record.s3.bucket.name}/${key} (${size < 1e5 ? `${size / 1e3} kB` : `${(size / 1e6).toFixed(1)} MB`})`,
        );
        console.log(`  the event's key: ${record.s3.object.key}`);
      }
      if (++seen === uploads.length) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await loader.disconnect();
console.log(`${seen} notifications, ${(bytes / 1e6).toFixed(1)} MB to load`);
