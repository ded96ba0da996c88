/**
 * The runner's side of the RabbitMQ management HTTP API (loopback only, the administrator login): the readiness
 * probe, and each session's vhost, user, permissions and limits. Every call is idempotent (PUT, or DELETE that
 * accepts 404), so a retry or a second runner never fails on what already exists.
 */
import type { SessionLogin } from "./config.ts";

export class ManagementApi {
  private readonly base: string;
  private readonly user: string;
  private readonly password: () => string;

  /** `password` is read at each call: it is derived from the runner's secret. */
  constructor(port: number, user: string, password: () => string) {
    this.base = `http://127.0.0.1:${port}/api`;
    this.user = user;
    this.password = password;
  }

  /** True when the API answers GET /api/overview with 200 for the administrator. */
  async overview(timeoutMs = 3000): Promise<boolean> {
    return (await this.overviewStatus(timeoutMs)) === 200;
  }

  /** The HTTP status of GET /api/overview (401: the node knows another administrator password), 0 for no answer. */
  async overviewStatus(timeoutMs = 3000): Promise<number> {
    try {
      const response = await this.call("GET", "/overview", undefined, timeoutMs);
      await response.body?.cancel();
      return response.status;
    } catch {
      return 0;
    }
  }

  /**
   * Queues not serving yet, as "vhost/name": after a restart, stream and quorum queues come back a moment after
   * the node answers, and until then declaring one fails with "home node … is down".
   */
  async queuesDown(): Promise<string[]> {
    const response = await this.call("GET", "/queues?columns=name,vhost,type,state,leader");
    if (!response.ok)
      throw new Error(`RabbitMQ management API: GET /queues answered ${response.status} ${(await response.text()).slice(0, 300)}`);
    const queues = (await response.json()) as { name: string; vhost: string; type?: string; state?: string; leader?: string }[];
    return queues.filter((q) => q.state === "down" || (q.type === "quorum" && !q.leader)).map((q) => `${q.vhost}/${q.name}`);
  }

  /** Waits (up to `timeoutMs`) until no queue is down, so a lesson's first declaration finds its earlier queues. */
  async waitForQueues(timeoutMs: number, progress: (line: string) => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let down = await this.queuesDown();
    if (down.length) progress(`RabbitMQ: waiting for ${down.length} queue(s) of earlier runs to come back`);
    while (down.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      down = await this.queuesDown();
    }
    // A queue that stays down (its data damaged) fails on its own; the node itself serves.
    if (down.length) progress(`RabbitMQ: still down after ${timeoutMs / 1000} s: ${down.slice(0, 10).join(", ")}`);
  }

  /** Creates (or updates) a session's vhost, login, rights on that vhost only, and its limits. */
  async ensureSession(login: SessionLogin, limits: Readonly<Record<string, number>>): Promise<void> {
    const vhost = encodeURIComponent(login.vhost);
    const user = encodeURIComponent(login.user);
    await this.expect("PUT", `/vhosts/${vhost}`, { description: "a learner's space (created by the course)" });
    await this.expect("PUT", `/users/${user}`, { password: login.password, tags: "" });
    await this.expect("PUT", `/permissions/${vhost}/${user}`, { configure: ".*", write: ".*", read: ".*" });
    for (const [name, value] of Object.entries(limits)) {
      await this.expect("PUT", `/vhost-limits/${vhost}/${encodeURIComponent(name)}`, { value });
    }
  }

  /** Deletes a session's vhost (its queues and messages) and its login. */
  async deleteSession(login: Pick<SessionLogin, "vhost" | "user">): Promise<void> {
    await this.expect("DELETE", `/vhosts/${encodeURIComponent(login.vhost)}`);
    await this.expect("DELETE", `/users/${encodeURIComponent(login.user)}`);
  }

  async deleteUser(name: string): Promise<void> {
    await this.expect("DELETE", `/users/${encodeURIComponent(name)}`);
  }

  /** A request that must succeed; 404 counts as success for DELETE (already gone). */
  private async expect(method: "PUT" | "DELETE", path: string, body?: unknown): Promise<void> {
    const response = await this.call(method, path, body);
    const text = await response.text();
    if (response.ok || (method === "DELETE" && response.status === 404)) return;
    throw new Error(`RabbitMQ management API: ${method} ${path} answered ${response.status} ${text.slice(0, 300)}`);
  }

  private call(method: string, path: string, body?: unknown, timeoutMs = 15_000): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${this.user}:${this.password()}`).toString("base64")}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  }
}
