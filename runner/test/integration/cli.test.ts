/**
 * `sh` runs: bash in the same sandbox as TypeScript, with the real Kafka CLI (the course cluster's jars) on PATH,
 * against the real cluster that `npm test` starts in classroom mode.
 */
import { describe, expect, it } from "vitest";
import { collectRun, testServerUrl } from "../support/collect-run.ts";

const base = testServerUrl();
const TEST_PORT = new URL(base).port;
const servicesPort = Number(process.env.OFFSET_TEST_SERVICES_PORT ?? 26100);

/** The first run of a machine may fetch the CLI's jars (Maven) and build its class-data archive. */
const FIRST_RUN_MS = 240_000;

describe("shell snippets with the Kafka CLI", () => {
  it(
    "lists topics with kafka-topics.sh and ends ok",
    async () => {
      const run = await collectRun(base, { code: 'kafka-topics.sh --bootstrap-server "$LAB_BOOTSTRAP" --list', lang: "sh" });
      expect(run.status).toBe(200);
      expect(run.stderr).not.toMatch(/Exception|ERROR/);
      expect(run.end).toMatchObject({ reason: "ok", exitCode: 0 });
    },
    FIRST_RUN_MS,
  );

  it(
    "creates, describes, produces and consumes with the session's own login and names",
    async () => {
      const code = `
      topic="\${LAB_PREFIX}it-cli"
      kafka-topics.sh --bootstrap-server "$LAB_BOOTSTRAP" --create --topic "$topic" --partitions 2
      kafka-topics.sh --bootstrap-server "$LAB_BOOTSTRAP" --describe --topic "$topic"
      printf 'k1:one\\nk2:two\\n' | kafka-console-producer.sh --bootstrap-server "$LAB_BOOTSTRAP" --topic "$topic" \\
        --reader-property parse.key=true --reader-property key.separator=:
      kafka-console-consumer.sh --bootstrap-server "$LAB_BOOTSTRAP" --topic "$topic" --from-beginning --max-messages 2 \\
        --formatter-property print.key=true
      kafka-consumer-groups.sh --bootstrap-server "$LAB_BOOTSTRAP" --list
      echo "prefix=$LAB_PREFIX"
    `;
      const run = await collectRun(base, { code, lang: "sh" });
      expect(run.end?.reason, run.stderr).toBe("ok");
      const prefix = /^prefix=(s-[0-9a-f]{12}\.)$/m.exec(run.stdout)?.[1];
      expect(prefix, "classroom mode gives every session its own prefix").toBeTruthy();
      expect(run.stdout).toContain(`Created topic ${prefix}it-cli.`);
      expect(run.stdout).toMatch(/PartitionCount: 2\s+ReplicationFactor: 3/);
      expect(run.stdout).toMatch(/^k1\tone$/m);
      expect(run.stdout).toMatch(/^k2\ttwo$/m);
      // The console consumer's made-up group got the session's prefix, so the ACLs let it join.
      expect(run.stdout).toMatch(new RegExp(`^${prefix!.replace(".", "\\.")}console-consumer-\\d+$`, "m"));
    },
    FIRST_RUN_MS,
  );

  it(
    "holds the CLI to the session's names like any other client",
    async () => {
      const code = `
      kafka-topics.sh --bootstrap-server "$LAB_BOOTSTRAP" --create --topic not-mine-cli 2>&1 | tail -n 3 || echo "exit $?"
    `;
      const run = await collectRun(base, { code, lang: "sh" });
      expect(run.end?.reason, run.stderr).toBe("ok");
      expect(run.stdout).toMatch(/TopicAuthorizationException|not authorized|Authorization failed/i);
      expect(run.stdout).not.toContain("Created topic not-mine-cli");
    },
    FIRST_RUN_MS,
  );

  it(
    "reaches the brokers only: the course's own port and the companion services are refused",
    async () => {
      const code = `
      for port in ${TEST_PORT} ${servicesPort} ${servicesPort + 10} 22; do
        if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "open $port"; else echo "refused $port"; fi
      done
      ls /opt/kafka/bin | grep -c '\\.sh$'
    `;
      const run = await collectRun(base, { code, lang: "sh" });
      expect(run.end?.reason, run.stderr).toBe("ok");
      for (const port of [TEST_PORT, servicesPort, servicesPort + 10, 22]) expect(run.stdout).toContain(`refused ${port}`);
      expect(run.stdout).not.toMatch(/^open /m);
      expect(Number(/^(\d+)$/m.exec(run.stdout)?.[1])).toBeGreaterThanOrEqual(20);
    },
    FIRST_RUN_MS,
  );

  it(
    "ends with the script's exit status, and a failing command stops the script",
    async () => {
      const failed = await collectRun(base, { code: "echo before\nfalse\necho after", lang: "sh" });
      expect(failed.end).toMatchObject({ reason: "error", exitCode: 1 });
      expect(failed.stdout).toContain("before");
      expect(failed.stdout).not.toContain("after");
      const exited = await collectRun(base, { code: "exit 3", lang: "sh" });
      expect(exited.end).toMatchObject({ reason: "error", exitCode: 3 });
    },
    FIRST_RUN_MS,
  );
});
