/** GET /api/health and GET /api/cluster describe the real cluster, in the shapes of runner/src/protocol/cluster.ts. */
import { describe, expect, it } from "vitest";
import { clusterViewSchema, healthSchema } from "../../src/protocol/cluster.ts";
import { collectRun, testServerUrl } from "../support/collect-run.ts";

const base = testServerUrl();
// One browser session for the run and the view: in classroom mode the view shows a session only its own topics.
const session = { headers: { cookie: "offset_session=c1a55e00c1a55e00" } };

describe("cluster endpoints", () => {
  it("health names the engine and three brokers that are up", async () => {
    const body = healthSchema.parse(await (await fetch(`${base}/api/health`)).json());
    expect(body.ok).toBe(true);
    expect(typeof body.engine).toBe("string");
    expect(body.cluster.brokers.map((b) => b.id).sort()).toEqual([1, 2, 3]);
    expect(body.cluster.brokers.every((b) => b.up)).toBe(true);
  });

  it("cluster view shows a topic's partitions with leaders, replicas and ISR, and a controller", async () => {
    const run = await collectRun(
      base,
      {
        code: `import { freshTopic } from "lab"; await freshTopic("it-view", { partitions: 2 }); console.log("ok");`,
        lang: "ts",
      },
      session,
    );
    expect(run.end?.reason, run.stderr).toBe("ok");
    const view = clusterViewSchema.parse(await (await fetch(`${base}/api/cluster`, session)).json());
    expect([1, 2, 3]).toContain(view.controller);
    expect(view.brokers.filter((b) => b.controller)).toHaveLength(1);
    const topic = view.topics.find((t) => t.name.endsWith("it-view"));
    expect(topic?.partitions).toHaveLength(2);
    for (const p of topic!.partitions) {
      expect(p.replicas).toHaveLength(3);
      expect(p.isr.length).toBeGreaterThanOrEqual(2);
      expect(p.replicas).toContain(p.leader);
    }
  }, 60_000);
});
