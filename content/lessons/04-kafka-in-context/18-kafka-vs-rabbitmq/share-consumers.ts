import { freshTopic, groupId, kafka, shareConsumers } from "lab";

// One partition, eight jobs; one of them can never be processed.
const jobs = await freshTopic("resize-jobs", { partitions: 1 });
const values = ["job-0", "job-1", "job-2", "job-3", "job-4", "poison", "job-6", "job-7"];
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: jobs, messages: values.map((value) => ({ value })) });
await producer.disconnect();

// Two Java KafkaShareConsumers in one share group, each taking one record at a time and working 250 ms on it.
// They release job-3 the first time (as a worker that gives a job back would), and reject the poison record.
const deliveries = await shareConsumers({
  group: groupId("resizers"),
  topic: jobs,
  consumers: 2,
  records: values.length,
  perPoll: 1,
  workMs: 250,
  release: /^job-3$/,
  reject: /^poison$/,
});
for (const d of deliveries)
  console.log(`consumer ${d.consumer} got ${d.value} (offset ${d.offset}, delivery ${d.deliveryCount}): ${d.ack}`);

const settled = (ack: string) => deliveries.filter((d) => d.ack === ack).map((d) => d.value);
const once = values.filter((v) => v !== "poison").every((v) => settled("accept").filter((a) => a === v).length === 1);
console.log(`${once ? "every job accepted exactly once" : "NOT every job accepted once"}; rejected: ${settled("reject").join(", ")}`);
const byConsumer = [1, 2].map((c) => deliveries.filter((d) => d.consumer === c && d.ack !== "release").length);
console.log(
  `one partition, two consumers: consumer 1 settled ${byConsumer[0]}, consumer 2 settled ${byConsumer[1]} of the ${values.length} records`,
);

// Acknowledging in a share group moves the group's own state; the log keeps every record until retention.
const admin = kafka.admin();
await admin.connect();
const [p0] = await admin.fetchTopicOffsets(jobs);
await admin.disconnect();
console.log(`the topic still holds offsets ${p0!.low} to ${Number(p0!.high) - 1}: accepting a record deleted nothing`);
