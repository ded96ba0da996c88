/**
 * TLS and SCRAM on the course cluster, as lesson 21's runs meet them through the course (classroom mode under
 * `npm test`): the SASL_SSL listener with the course CA's certificate, SCRAM users and ACLs made through the
 * security gate within the session's own names, what another session cannot do with them, runs of other lessons
 * that reach none of it, and a reset that deletes a session's users.
 */
import { describe, expect, it } from "vitest";
import { securePort } from "../../src/cluster/local/properties.ts";
import { servicePorts } from "../../src/services/ports.ts";
import { collectRun, testServerUrl } from "../support/collect-run.ts";

const base = testServerUrl();
const ports = servicePorts(Number(process.env.OFFSET_TEST_SERVICES_PORT ?? 26100));
const kafkaPort = Number(process.env.OFFSET_TEST_KAFKA_PORT ?? 24092);
const cookie = (id: string) => ({ headers: { cookie: `offset_session=${id}` } });
const alice = cookie("a11ce00000005ec0");
const bob = cookie("b0b0000000005ec0");
const LESSON = "securing-kafka";
const RUN_MS = 90_000;

const login = `
  import { Kafka, logLevel } from "kafkajs";
  import { courseCa, scramUser, tlsBrokers } from "lab";
  async function connect(settings) {
    const admin = new Kafka({ clientId: "it-security", brokers: tlsBrokers(), connectionTimeout: 3000, retry: { retries: 0 }, logLevel: logLevel.NOTHING, ...settings }).admin();
    try {
      await admin.connect();
      return "connected to " + (await admin.describeCluster()).brokers.length + " brokers";
    } catch (error) {
      return "failed: " + error.name;
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }
`;

describe("TLS and SCRAM on the course cluster", () => {
  it(
    "a lesson-21 run creates a SCRAM user and logs in with it over TLS; a wrong password and an untrusted CA fail",
    async () => {
      const code = `${login}
        const user = await scramUser("it-alice", "correct horse");
        console.log("session " + process.env.LAB_SESSION + ", user " + user.user + ", " + user.mechanism);
        console.log("brokers " + tlsBrokers().join(","));
        const sasl = (password) => ({ mechanism: "scram-sha-512", username: user.user, password });
        console.log("right: " + (await connect({ ssl: { ca: [courseCa()] }, sasl: sasl("correct horse") })));
        console.log("wrong: " + (await connect({ ssl: { ca: [courseCa()] }, sasl: sasl("battery staple") })));
        console.log("untrusted: " + (await connect({ ssl: true, sasl: sasl("correct horse") })));
      `;
      const run = await collectRun(base, { lang: "ts", code, lesson: LESSON }, alice);
      expect(run.end?.reason, run.stderr).toBe("ok");
      const session = /session (s-[0-9a-f]{12}),/.exec(run.stdout)?.[1];
      expect(session).toBeDefined();
      expect(run.stdout).toContain(`user ${session}.it-alice, SCRAM-SHA-512`);
      expect(run.stdout).toContain(`brokers ${[1, 2, 3].map((id) => `localhost:${securePort(id, kafkaPort)}`).join(",")}`);
      expect(run.stdout).toContain("right: connected to 3 brokers");
      expect(run.stdout).toContain("wrong: failed: KafkaJSSASLAuthenticationError");
      expect(run.stdout).toMatch(/untrusted: failed: /);
    },
    RUN_MS,
  );

  it(
    "another session can neither forge a gate address for alice's session nor name alice's users in an ACL",
    async () => {
      const mine = await collectRun(
        base,
        { lang: "ts", code: `import { scramUser } from "lab";\nconsole.log((await scramUser("it-alice", "pw")).user);`, lesson: LESSON },
        alice,
      );
      expect(mine.end?.reason, mine.stderr).toBe("ok");
      const aliceUser = mine.stdout.trim();
      const aliceSession = aliceUser.split(".")[0]!;
      const code = `
        import { addAcl } from "lab";
        const url = new URL(process.env.LAB_SECURITY_URL);
        // Bob's own token, with alice's session name in front of his HMAC.
        const forged = url.href.replace(/\\/s\\/[^.]+\\./, "/s/${aliceSession}.");
        const answer = await fetch(new URL("scram-users", forged));
        console.log("forged: HTTP " + answer.status);
        try {
          await addAcl({ principal: "User:${aliceUser}", name: "anything", operation: "read", permission: "allow" });
          console.log("acl: added (!)");
        } catch (error) {
          console.log("acl: " + error.message);
        }
      `;
      const run = await collectRun(base, { lang: "ts", code, lesson: LESSON }, bob);
      expect(run.end?.reason, run.stderr).toBe("ok");
      expect(run.stdout).toContain("forged: HTTP 403");
      expect(run.stdout).toMatch(
        /acl: The security gate refused POST acls \(403\): User:s-[0-9a-f]{12}\.it-alice is not one of your logins/,
      );
    },
    RUN_MS,
  );

  it(
    "a run of another lesson reaches neither the TLS listener nor the gate, and has no TLS settings",
    async () => {
      const code = `
        import net from "node:net";
        console.log("env: " + (process.env.LAB_TLS_BROKERS ?? "none") + " " + (process.env.LAB_SECURITY_URL ?? "none"));
        for (const port of ${JSON.stringify([ports.securityGate, ...[1, 2, 3].map((id) => securePort(id, kafkaPort))])}) {
          const open = await new Promise((resolve) => {
            const socket = net.connect(port, "127.0.0.1");
            socket.once("connect", () => { socket.destroy(); resolve(true); });
            socket.once("error", () => resolve(false));
          });
          console.log(port + " " + (open ? "open" : "refused"));
        }
      `;
      const run = await collectRun(base, { lang: "ts", code, lesson: "consumers" }, alice);
      expect(run.end?.reason, run.stderr).toBe("ok");
      expect(run.stdout).toContain("env: none none");
      expect(run.stdout.match(/ refused$/gm)).toHaveLength(4);
    },
    RUN_MS,
  );

  it(
    "resetting a session deletes its SCRAM users",
    async () => {
      const users = 'console.log("users: " + JSON.stringify((await scramUsers()).map((u) => u.user.split(".")[1])));';
      const make = `import { scramUser, scramUsers } from "lab";\nawait scramUser("it-temp", "pw");\n${users}`;
      const made = await collectRun(base, { lang: "ts", code: make, lesson: LESSON }, alice);
      expect(made.end?.reason, made.stderr).toBe("ok");
      expect(made.stdout).toMatch(/users: \[.*"it-temp".*\]/);
      const reset = await fetch(`${base}/api/session`, { method: "DELETE", headers: { ...alice.headers, origin: base } });
      expect(reset.status).toBe(200);
      const after = await collectRun(base, { lang: "ts", code: `import { scramUsers } from "lab";\n${users}`, lesson: LESSON }, alice);
      expect(after.end?.reason, after.stderr).toBe("ok");
      expect(after.stdout).toContain("users: []");
    },
    RUN_MS,
  );
});
