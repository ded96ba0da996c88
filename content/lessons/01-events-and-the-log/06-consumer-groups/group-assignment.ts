import { AssignerProtocol, type Consumer } from "kafkajs";
import { freshTopic, groupId, kafka, sleep } from "lab";

const topic = await freshTopic("tasks", { partitions: 3 });
const group = groupId("workers");
const names = new Map<string, string>(); // member id -> our name for it

/** Starts one consumer in the group. Short timeouts keep rebalances quick for a demo. */
async function startWorker(name: string): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId: group,
    sessionTimeout: 6000,
    rebalanceTimeout: 3000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 300,
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => names.set(payload.memberId, name));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async () => {} });
  return consumer;
}

/** Waits until the group is Stable with `size` members, then prints who owns which partition. */
async function showAssignment(title: string, size: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  for (let tries = 0; tries < 100; tries++) {
    const [described] = (await admin.describeGroups([group])).groups;
    const ready = described!.state === "Stable" && described!.members.length === size;
    if (ready && described!.members.every((m) => names.has(m.memberId))) {
      const rows = described!.members.map((m) => {
        const owned = AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [];
        return `${names.get(m.memberId)}: ${owned.length ? `partition ${owned.join(", ")}` : "idle"}`;
      });
      console.log(`${title}: ${rows.sort().join("; ")}`);
      break;
    }
    await sleep(200);
  }
  await admin.disconnect();
}

const workers = [await startWorker("worker-1"), await startWorker("worker-2"), await startWorker("worker-3")];
await showAssignment("3 consumers on 3 partitions", 3);

workers.push(await startWorker("worker-4"));
await showAssignment("4 consumers on 3 partitions", 4);

// worker-1 leaves the group cleanly: the group rebalances and its partition moves to someone else.
await workers.shift()!.disconnect();
await showAssignment("worker-1 left, 3 consumers", 3);

await Promise.all(workers.map((w) => w.disconnect()));
