import { freshTopic, groupId, kafka } from "lab";

// The topic a bucket's event notifications go to. Here the snippet plays the object store's part.
const notifications = await freshTopic("nyc_trip_records", { partitions: 3 });

/** An S3-style "object created" notification, the shape S3-compatible stores such as MinIO publish. */
function objectCreated(bucket: string, key: string, size: number) {
  return {
    EventName: "s3:ObjectCreated:Put",
    Key: `${bucket}/${key}`,
    Records: [
      {
        eventVersion: "2.0",
        eventSource: "minio:s3",
        eventTime: new Date().toISOString(),
        eventName: "s3:ObjectCreated:Put",
        s3: { bucket: { name: bucket }, object: { key, size, contentType: "application/octet-stream" } },
      },
    ],
  };
}

const uploads = [
  objectCreated("taxi-trips", "2024/yellow_tripdata_2024-01.parquet", 49_961_641),
  objectCreated("taxi-trips", "2024/yellow_tripdata_2024-02.parquet", 50_349_284),
  objectCreated("taxi-trips", "2024/green_tripdata_2024-01.parquet", 1_364_357),
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
        bytes += record.s3.object.size;
        console.log(`new object s3://${record.s3.bucket.name}/${record.s3.object.key} (${(record.s3.object.size / 1e6).toFixed(1)} MB)`);
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
