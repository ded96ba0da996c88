/**
 * `py` runs: Python 3 in the same sandbox as TypeScript, with confluent-kafka, kafka-python and the Python `lab`
 * module, against the real cluster that `npm test` starts in classroom mode.
 */
import { describe, expect, it } from "vitest";
import { collectRun, testServerUrl } from "../support/collect-run.ts";

const base = testServerUrl();
const runnerPort = Number(new URL(base).port);
/** The first run of a machine may install the packages from PyPI. */
const FIRST_RUN_MS = 180_000;
const asSession = (id: string) => ({ headers: { cookie: `offset_session=${id}` } });

describe("Python snippets", () => {
  it(
    "imports confluent_kafka, kafka-python and psycopg and ends ok",
    async () => {
      const code = [
        "from importlib.metadata import version",
        "import confluent_kafka, kafka, psycopg",
        'print("confluent-kafka", version("confluent-kafka"), "librdkafka", confluent_kafka.libversion()[0], "kafka-python", kafka.__version__)',
        'print("psycopg", psycopg.__version__, psycopg.pq.__impl__, "libpq", psycopg.pq.version())',
      ].join("\n");
      const run = await collectRun(base, { code, lang: "py" });
      expect(run.status).toBe(200);
      expect(run.stdout, run.stderr).toMatch(/^confluent-kafka 2\.16\.1 librdkafka 2\.16\.\d+ kafka-python 3\.0\.12$/m);
      // The binary build, with its own libpq: the sandbox needs nothing of the system's.
      expect(run.stdout).toMatch(/^psycopg 3\.3\.9 binary libpq \d+$/m);
      expect(run.end).toMatchObject({ reason: "ok", exitCode: 0 });
    },
    FIRST_RUN_MS,
  );

  it("produces and consumes as the session, under its own names, and reports the records to the page", async () => {
    const code = `
import lab
from confluent_kafka import Consumer, KafkaException, Producer

topic = lab.fresh_topic("it-python", partitions=2)
print("topic", topic)
producer = Producer(lab.config())
for i in range(3):
    producer.produce(topic, key=f"k{i}", value=f"v{i}", on_delivery=lambda err, msg: lab.report(msg))
assert producer.flush(10) == 0
consumer = Consumer(lab.config(**{"group.id": lab.group_id("it-python"), "auto.offset.reset": "earliest"}))
consumer.subscribe([topic])
seen = []
while len(seen) < 3:
    msg = consumer.poll(10)
    assert msg is not None, "no record within 10 s"
    if msg.error():
        raise KafkaException(msg.error())
    seen.append(msg.value().decode())
consumer.close()
print("read", sorted(seen))
`;
    const run = await collectRun(base, { code, lang: "py" }, asSession("e1e1e1e1e1e1e1e1"));
    expect(run.end?.reason, run.stderr).toBe("ok");
    const topic = /^topic (\S+)$/m.exec(run.stdout)?.[1];
    // In classroom mode every name carries the session's prefix, and the brokers' ACLs hold the login to it.
    expect(topic).toMatch(/^s-[0-9a-f]+\.it-python$/);
    expect(run.stdout).toContain("read ['v0', 'v1', 'v2']");
    const produced = run.events.filter((e) => e.event === "kafka" && e.data.type === "produced");
    expect(produced).toHaveLength(3);
    expect(produced.every((e) => e.event === "kafka" && e.data.type === "produced" && e.data.topic === topic)).toBe(true);
  }, 60_000);

  it("is refused another session's topic by the brokers", async () => {
    const owner = await collectRun(
      base,
      { code: 'import lab\nprint(lab.fresh_topic("it-python-private", partitions=1))', lang: "py" },
      asSession("e2e2e2e2e2e2e2e2"),
    );
    expect(owner.end?.reason, owner.stderr).toBe("ok");
    const foreign = owner.stdout.trim();
    const code = `
import lab
from confluent_kafka import Producer
producer = Producer(lab.config())
errors = []
producer.produce(${JSON.stringify(foreign)}, value="intruder", on_delivery=lambda err, msg: errors.append(err))
producer.flush(10)
print("delivery:", errors[0].name() if errors and errors[0] else "accepted")
`;
    const intruder = await collectRun(base, { code, lang: "py" }, asSession("e3e3e3e3e3e3e3e3"));
    expect(intruder.end?.reason, intruder.stderr).toBe("ok");
    expect(intruder.stdout).toMatch(/delivery: TOPIC_AUTHORIZATION_FAILED/);
  }, 60_000);

  it("ends in error with a traceback that names the snippet's line, and reaches nothing but the brokers", async () => {
    const code = `
import socket
try:
    socket.create_connection(("127.0.0.1", ${runnerPort}), timeout=2)
    print("CONNECTED")
except OSError as error:
    print("denied", type(error).__name__)
raise ValueError("on purpose")
`;
    const run = await collectRun(base, { code, lang: "py" });
    expect(run.stdout).toMatch(/^denied ConnectionRefusedError$/m);
    expect(run.stdout).not.toContain("CONNECTED");
    expect(run.stderr).toMatch(/snippet\.py", line 8/);
    expect(run.stderr).toContain("ValueError: on purpose");
    expect(run.end).toMatchObject({ reason: "error", exitCode: 1 });
  }, 60_000);
});
