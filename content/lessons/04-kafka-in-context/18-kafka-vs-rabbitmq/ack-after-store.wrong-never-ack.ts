import amqp, { type Channel, type ConsumeMessage, type Options } from "amqplib";
import { amqpUrl, sleep } from "lab";

// ---- The worker. Make it at-least-once: a job it has not stored must come back if the worker dies. ----

// Manual acknowledgements: the broker keeps each job until the worker says it is done.
const consumeOptions: Options.Consume = { noAck: false };

/** Handles one job. `store` throws if the worker crashes while working on it. */
async function handle(channel: Channel, worker: string, msg: ConsumeMessage): Promise<void> {
  await store(worker, msg); // stored in thumbnails-done, so nothing is lost
}

// ---- The rest stays as it is. ----

const jobs = ["job-1", "job-2", "job-3", "job-4", "job-5", "job-6"];
const setup = await amqp.connect(amqpUrl());
const results = await setup.createConfirmChannel();
for (const queue of ["thumbnails", "thumbnails-done"]) await results.deleteQueue(queue); // start clean on every run
await results.assertQueue("thumbnails", { durable: true });
await results.assertQueue("thumbnails-done", { durable: true });
for (const job of jobs) results.sendToQueue("thumbnails", Buffer.from(job), { persistent: true });
await results.waitForConfirms();

/**
 * Stores a finished thumbnail: a confirmed publish to thumbnails-done, noting who stored it and whether the
 * broker had delivered the job before. The first attempt at job-3 crashes the worker instead.
 */
let crashed = false;
async function store(worker: string, msg: ConsumeMessage): Promise<void> {
  const job = msg.content.toString();
  if (job === "job-3" && !crashed) {
    crashed = true;
    throw new Error(`ran out of memory resizing ${job}`);
  }
  const done = { job, worker, redelivered: msg.fields.redelivered };
  results.sendToQueue("thumbnails-done", Buffer.from(JSON.stringify(done)), { persistent: true });
  await results.waitForConfirms();
  console.log(`${worker} stored ${job}${msg.fields.redelivered ? " (redelivered)" : ""}`);
}

/**
 * Runs one worker on its own connection, one job at a time, until no job has come for a second or it crashes.
 * A crash closes the connection at once, as a dying process would: nothing after it is acknowledged.
 */
async function runWorker(name: string): Promise<void> {
  const connection = await amqp.connect(amqpUrl());
  const channel = await connection.createChannel();
  await channel.prefetch(1);
  let queue = Promise.resolve();
  let pending = 0;
  let idleSince = Date.now();
  let dead = false;
  await channel.consume(
    "thumbnails",
    (msg) => {
      if (!msg) return;
      pending++;
      queue = queue.then(async () => {
        try {
          if (!dead) await handle(channel, name, msg);
        } catch (error) {
          dead = true;
          console.log(`${name} crashed: ${(error as Error).message}`);
          // The channel closes first: acks go out without a reply, and a close on the connection could overtake
          // them. Closing the channel keeps its order, so whatever the worker acked before dying counts.
          await channel.close();
          await connection.close();
        } finally {
          pending--;
          idleSince = Date.now();
        }
      });
    },
    consumeOptions,
  );
  const started = Date.now();
  while (!dead && (pending > 0 || Date.now() - idleSince < 1000) && Date.now() - started < 10_000) await sleep(100);
  await queue;
  if (!dead) await connection.close();
}

await runWorker("worker-1");
console.log("worker-2 starts");
await runWorker("worker-2");
const { messageCount } = await results.checkQueue("thumbnails");
console.log(`thumbnails holds ${messageCount} jobs`);
await setup.close();
