/**
 * The companion services through the course, as learners meet them: a lesson that declares a service reaches it
 * (started on demand), in its own space; another session cannot get into that space; a run of any other lesson
 * cannot reach the service at all; ZooKeeper is read-only. (npm test runs the course in classroom mode, with its
 * services on OFFSET_TEST_SERVICES_PORT.)
 */
import { describe, expect, it } from "vitest";
import { healthSchema } from "../../src/protocol/cluster.ts";
import { servicePorts } from "../../src/services/ports.ts";
import { collectRun, testServerUrl } from "../support/collect-run.ts";

const base = testServerUrl();
const ports = servicePorts(Number(process.env.OFFSET_TEST_SERVICES_PORT ?? 26100));
const cookie = (id: string) => ({ headers: { cookie: `offset_session=${id}` } });
const alice = cookie("a11ce00000005e51");
const mallory = cookie("ba5e000000005e51");
/** JVM services start slowly on a busy 2-core machine. */
const START_MS = 240_000;

/** Tries every port of the services from inside a run; prints "<port> open|refused" lines. */
const probePorts = `
  import net from "node:net";
  import fs from "node:fs";
  console.log("mounted: " + (fs.existsSync("/run/offset-services") ? fs.readdirSync("/run/offset-services").join(",") : "none"));
  for (const port of ${JSON.stringify([ports.zookeeper, ...ports.zkBrokers, ...ports.zkLearner, ports.amqp, ports.rabbitManagement, ports.rabbitStream, ports.rabbitDist, ports.epmd, ports.connectRest, ports.connectGate, ports.securityGate, ports.postgres])}) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => { socket.destroy(); resolve(true); });
      socket.once("error", () => resolve(false));
    });
    console.log(port + " " + (open ? "open" : "refused"));
  }
`;

describe("companion services", () => {
  it("are listed by /api/health, and opening a lesson starts what it needs", async () => {
    const health = healthSchema.parse(await (await fetch(`${base}/api/health`)).json());
    expect(health.services.map((s) => s.name).sort()).toEqual(["connect", "postgres", "rabbitmq", "security", "zk-kafka"]);
    const warm = await fetch(`${base}/api/services/warm`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lesson: "kafka-vs-rabbitmq" }),
    });
    expect(warm.status).toBe(200);
    expect(((await warm.json()) as { services: { name: string }[] }).services.map((s) => s.name)).toEqual(["rabbitmq"]);
    const bad = await fetch(`${base}/api/services/warm`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lesson: "../etc" }),
    });
    expect(bad.status).toBe(400);
  });

  it(
    "RabbitMQ: a lesson-18 run round-trips in its session's own vhost, and another session's login cannot open it",
    async () => {
      const owner = await collectRun(
        base,
        {
          lang: "ts",
          lesson: "kafka-vs-rabbitmq",
          code: `
            import amqp from "amqplib";
            import { amqpUrl } from "lab";
            const url = new URL(amqpUrl());
            console.log("VHOST=" + decodeURIComponent(url.pathname.slice(1)));
            const connection = await amqp.connect(amqpUrl());
            const channel = await connection.createChannel();
            await channel.deleteQueue("diary");
            await channel.assertQueue("diary");
            channel.sendToQueue("diary", Buffer.from("alice's secret"));
            await new Promise((r) => setTimeout(r, 300));
            const message = await channel.get("diary", { noAck: false });
            console.log("GOT=" + (message ? message.content.toString() : "nothing"));
            if (message) channel.nack(message, false, true);
            await connection.close();
          `,
        },
        alice,
      );
      expect(owner.end?.reason, owner.stderr).toBe("ok");
      expect(owner.stdout).toContain("GOT=alice's secret");
      const vhost = /VHOST=(\S+)/.exec(owner.stdout)?.[1];
      expect(vhost).toMatch(/^s-[0-9a-f]{12}$/);

      const intruder = await collectRun(
        base,
        {
          lang: "ts",
          lesson: "kafka-vs-rabbitmq",
          code: `
            import amqp from "amqplib";
            import { amqpUrl } from "lab";
            const mine = new URL(amqpUrl());
            const theirs = new URL(amqpUrl());
            theirs.pathname = "/" + encodeURIComponent(${JSON.stringify(vhost)});
            try {
              const connection = await amqp.connect(theirs.toString());
              const channel = await connection.createChannel();
              const message = await channel.get("diary", { noAck: true });
              console.log("STOLE=" + (message ? message.content.toString() : "nothing"));
            } catch (error) {
              console.log("REFUSED " + (error as Error).message);
            }
            console.log("MINE=" + decodeURIComponent(mine.pathname.slice(1)));
          `,
        },
        mallory,
      );
      expect(intruder.end?.reason, intruder.stderr).toBe("ok");
      expect(intruder.stdout).toContain("REFUSED");
      expect(intruder.stdout).not.toContain("STOLE=");
      expect(intruder.stdout).not.toContain(`MINE=${vhost}`);
    },
    START_MS,
  );

  it(
    "ZooKeeper-mode Kafka: a lesson-12 run reads Kafka's znodes, cannot write one, and uses the cluster as its session",
    async () => {
      const run = await collectRun(
        base,
        {
          lang: "ts",
          lesson: "kraft",
          code: `
            import zookeeper from "node-zookeeper-client";
            import { topic, zkKafka, zookeeperConnect } from "lab";
            const admin = zkKafka().admin();
            await admin.connect();
            const name = topic("zk-orders");
            await admin.createTopics({ topics: [{ topic: name, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
            const others = await admin.createTopics({ topics: [{ topic: "not-mine", numPartitions: 1 }] }).then(() => "created", (e) => "refused " + e.type);
            console.log("OUTSIDE PREFIX " + others);
            await admin.disconnect();
            const client = zookeeper.createClient(zookeeperConnect());
            await new Promise<void>((resolve) => { client.once("connected", () => resolve()); client.connect(); });
            const call = <T>(f: (cb: (e: Error | null, v: T) => void) => void) => new Promise<T>((res, rej) => f((e, v) => (e ? rej(e) : res(v))));
            console.log("IDS=" + (await call<string[]>((cb) => client.getChildren("/brokers/ids", cb))).sort().join(","));
            const state = await call<Buffer | undefined>((cb) => client.getData("/brokers/topics/" + name + "/partitions/0/state", cb));
            console.log("STATE=" + state?.toString());
            const write = await new Promise((res) => client.create("/offset-was-here", Buffer.from("x"), (e) => res(e ? String(e) : "created")));
            console.log("WRITE=" + write);
            client.close();
          `,
        },
        alice,
      );
      expect(run.end?.reason, run.stderr).toBe("ok");
      expect(run.stdout).toContain("IDS=1,2,3");
      expect(run.stdout).toMatch(/STATE=\{.*"leader":[123].*"isr":\[/);
      expect(run.stdout).toMatch(/WRITE=.*CONNECTION_LOSS/);
      expect(run.stdout).toMatch(/OUTSIDE PREFIX refused/);
    },
    START_MS,
  );

  it("a run of any other lesson reaches no service port and has no service mounted", async () => {
    for (const lesson of [undefined, "consumers"]) {
      const run = await collectRun(base, { lang: "ts", code: probePorts, ...(lesson ? { lesson } : {}) }, alice);
      expect(run.end?.reason, run.stderr).toBe("ok");
      expect(run.stdout).toContain("mounted: none");
      expect(run.stdout).not.toMatch(/ open$/m);
      expect(run.stdout.match(/ refused$/gm)).toHaveLength(16);
    }
  });

  it("a lesson-18 run that uses RabbitMQ reaches its AMQP port only: not its management API, nor ZooKeeper-mode Kafka", async () => {
    // The run uses RabbitMQ (its URL), so it waits for it and gets its way in; a lesson-18 run that does not, does not.
    const uses = `import { amqpUrl } from "lab";\nconsole.log("url set: " + amqpUrl().startsWith("amqp://"));\n`;
    const run = await collectRun(base, { lang: "ts", code: uses + probePorts, lesson: "kafka-vs-rabbitmq" }, alice);
    expect(run.end?.reason, run.stderr).toBe("ok");
    expect(run.stdout).toContain("mounted: rabbitmq");
    expect(run.stdout.match(/ open$/gm)).toEqual([` open`]);
    expect(run.stdout).toContain(`${ports.amqp} open`);
    const idle = await collectRun(base, { lang: "ts", code: probePorts, lesson: "kafka-vs-rabbitmq" }, alice);
    expect(idle.end?.reason, idle.stderr).toBe("ok");
    expect(idle.stdout).toContain("mounted: none");
  });

  it(
    "a lesson-17 run that uses PostgreSQL reaches its port only, logged in to a database of the session's own",
    async () => {
      const uses = `
        import pg from "pg";
        import { postgresUrl } from "lab";
        const db = new pg.Client(postgresUrl());
        await db.connect();
        const { rows } = await db.query("select current_user as who, current_database() as db");
        console.log("as " + rows[0].who + " in " + rows[0].db);
        await db.end();
      `;
      const run = await collectRun(base, { lang: "ts", code: uses + probePorts, lesson: "pipelines" }, alice);
      expect(run.end?.reason, run.stderr).toBe("ok");
      expect(run.stdout).toContain("mounted: postgres");
      expect(run.stdout).toMatch(/^as (s-[0-9a-f]+) in \1$/m);
      expect(run.stdout.match(/ open$/gm)).toEqual([` open`]);
      expect(run.stdout).toContain(`${ports.postgres} open`);
    },
    START_MS,
  );

  it(
    "a lesson-14 run that uses Kafka Connect reaches the gate only, not the worker, with its own folder mounted",
    async () => {
      const uses = `
        import { connectWorker } from "lab";
        import fs from "node:fs";
        const connect = connectWorker();
        fs.writeFileSync(connect.files + "/probe.txt", "written by the run\\n");
        console.log("same path: " + (connect.files === connect.workerFiles));
        const mine = await connect.request("GET", "connectors");
        console.log("gate: HTTP " + mine.status + " " + JSON.stringify(mine.body));
        const other = await connect.request("GET", "connectors/s-000000000000.theirs/status");
        console.log("other session's connector: HTTP " + other.status);
      `;
      const run = await collectRun(base, { lang: "ts", code: uses + probePorts, lesson: "kafka-connect" }, alice);
      expect(run.end?.reason, run.stderr).toBe("ok");
      expect(run.stdout).toContain("mounted: connect");
      expect(run.stdout).toContain("same path: true");
      expect(run.stdout).toContain("gate: HTTP 200 []");
      expect(run.stdout).toContain("other session's connector: HTTP 403");
      expect(run.stdout.match(/ open$/gm)).toEqual([` open`]);
      expect(run.stdout).toContain(`${ports.connectGate} open`);
      expect(run.stdout).toContain(`${ports.connectRest} refused`);
    },
    START_MS,
  );
});
