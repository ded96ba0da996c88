// Reads the session's own RabbitMQ state after the program: how many jobs are still in thumbnails (anything not
// acknowledged went back there when its worker's connection closed) and what thumbnails-done holds (read without
// removing it). At-least-once means every job stored, none left behind, and job-3 stored after a redelivery.
import amqp, { type Channel } from "amqplib";
import { amqpUrl } from "lab";

function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

const jobs = ["job-1", "job-2", "job-3", "job-4", "job-5", "job-6"];
const connection = await amqp.connect(amqpUrl());
/** Runs one passive operation on a fresh channel: a missing queue closes the channel it was asked on. */
async function onChannel<T>(use: (channel: Channel) => Promise<T>): Promise<T | undefined> {
  const channel = await connection.createChannel();
  channel.on("error", () => {});
  try {
    const result = await use(channel);
    await channel.close();
    return result;
  } catch {
    return undefined;
  }
}

const left = await onChannel(async (c) => (await c.checkQueue("thumbnails")).messageCount);
const stored = await onChannel(async (c) => {
  const found: { job: string; worker: string; redelivered: boolean }[] = [];
  // get without acking: closing the channel puts every message back, so the check changes nothing.
  for (let msg = await c.get("thumbnails-done"); msg; msg = await c.get("thumbnails-done")) {
    found.push(JSON.parse(msg.content.toString()) as (typeof found)[number]);
  }
  return found;
});
await connection.close();
if (left === undefined || stored === undefined) fail("the queues thumbnails and thumbnails-done are missing: run the whole program.");

const missing = jobs.filter((job) => !stored.some((s) => s.job === job));
if (left > 0)
  fail(
    `thumbnails still holds ${left} job${left === 1 ? "" : "s"} after both workers stopped. They were delivered but never acknowledged, ` +
      "so the broker put them back and will hand them to the next worker, and the next: call channel.ack(msg) once a job is stored.",
  );
if (missing.length)
  fail(
    `${missing.join(", ")} ${missing.length === 1 ? "was" : "were"} never stored, yet thumbnails is empty: the broker had already ` +
      `forgotten ${missing.length === 1 ? "it" : "them"} when worker-1 crashed. The broker deletes a message once it is acknowledged: ` +
      "with noAck: true as soon as it sends it, otherwise when channel.ack(msg) runs, even if the job then fails. " +
      "Acknowledge a job only after store() has returned.",
  );
const retried = stored.find((s) => s.job === "job-3" && s.redelivered);
if (!retried)
  fail("job-3 was stored, but not after a redelivery. Keep store() and runWorker() as they are: the first attempt at job-3 must crash.");
console.log(
  `✓ At-least-once: all ${jobs.length} jobs are stored and thumbnails is empty. job-3, unacknowledged when worker-1 crashed, came back ` +
    `with redelivered: true and ${retried.worker} stored it.`,
);
