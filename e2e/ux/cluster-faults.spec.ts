/** The cluster panel: live brokers, and on fault-injection lessons, Stop/Start that the cluster visibly reacts to. */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { clusterViewSchema, healthSchema, type ClusterView } from "../../runner/src/protocol/cluster.ts";
import { lessonWithPanel } from "./helpers.ts";

const clusterView = async (request: APIRequestContext): Promise<ClusterView> =>
  clusterViewSchema.parse(await (await request.get("/api/cluster")).json());

test("the cluster panel shows three brokers, one of them the controller", async ({ page, request }) => {
  const url = await lessonWithPanel(request);
  expect(url, "no lesson places the cluster panel").toBeTruthy();
  await page.goto(url!);
  const brokers = page.locator("offset-cluster").getByRole("table", { name: "Brokers" });
  await expect(brokers.locator("tbody tr")).toHaveCount(3);
  await expect(brokers.getByText("Controller", { exact: true })).toHaveCount(1);
  await expect(brokers.getByText("Up", { exact: true })).toHaveCount(3);
});

test("stopping a broker from the panel moves its leaders, and starting it brings it back", async ({ page, request }) => {
  test.setTimeout(240_000);
  const health = healthSchema.parse(await (await request.get("/api/health")).json());
  expect(health.faultInjection, "this spec needs a server started with FAULT_INJECTION=on").toBe(true);
  const url = await lessonWithPanel(request, true);
  expect(url, "no fault-injection lesson places the cluster panel").toBeTruthy();

  await page.goto(url!);
  // Stop a broker that leads something, so "leaders moved" means something: the page's first snippet makes a topic.
  if ((await clusterView(request)).topics.length === 0) {
    const first = page.locator("offset-snippet").first();
    await first.getByRole("button", { name: /Run/ }).click();
    await expect(first).toHaveAttribute("data-reason", /.+/, { timeout: 90_000 });
  }
  const before = await clusterView(request);
  const leaders = before.topics.flatMap((t) => t.partitions.map((p) => p.leader));
  const id = leaders.find((l) => l > 0) ?? before.brokers[1]!.id;

  const panel = page.locator("offset-cluster");
  const row = panel.locator(`tr[data-broker="${id}"]`);
  await expect(row).toHaveAttribute("data-up", "true");
  try {
    await panel.getByRole("button", { name: `Stop broker ${id}` }).click();
    // "Stopping broker N…" shows only while the stop request is in flight, which a fast stop skips: check the outcome.
    await expect(panel.locator('[data-part="announce"]')).toHaveText(`Broker ${id} stopped.`, { timeout: 60_000 });
    await expect(row).toHaveAttribute("data-up", "false", { timeout: 60_000 });
    await expect(row).toContainText("Down");
    await expect
      .poll(async () => (await clusterView(request)).topics.flatMap((t) => t.partitions).filter((p) => p.leader === id).length, {
        timeout: 30_000,
      })
      .toBe(0);
    await expect(panel.locator(`td[data-state="down"]`)).toHaveCount(0);

    await panel.getByRole("button", { name: `Start broker ${id}` }).click();
    await expect(panel.locator('[data-part="announce"]')).toHaveText(`Broker ${id} started.`, { timeout: 120_000 });
    await expect(row).toHaveAttribute("data-up", "true", { timeout: 120_000 });
    await expect(row).toContainText("Up");
  } finally {
    // Never leave the cluster short of a broker for whoever runs next.
    const after = await clusterView(request).catch(() => undefined);
    if (after?.brokers.find((b) => b.id === id)?.up === false) await request.post(`/api/cluster/brokers/${id}/start`, { timeout: 120_000 });
  }
});
