/**
 * Deletes a session's topics and consumer groups: on request (DELETE /api/session, "reset my lab") and, in
 * classroom mode, for sessions idle longer than SESSION_IDLE_MINUTES.
 */
import "../cluster/tolerant-metadata.ts";
import { setTimeout as sleep } from "node:timers/promises";
import { Kafka, logLevel } from "kafkajs";

/** How long a purge rides out a broker that is busy (a group coordinator still loading after a broker restart). */
const RETRIABLE_FOR_MS = 20_000;

/**
 * Runs `work` again while it fails with an error Kafka marks retriable. ListGroups asks every broker, and one
 * whose coordinator partitions are still loading (a lesson just restarted it) answers GROUP_LOAD_IN_PROGRESS
 * for all of them; kafkajs passes that on without retrying.
 */
async function retrying<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + RETRIABLE_FOR_MS;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
}

export class SessionJanitor {
  private readonly lastSeen = new Map<string, number>();
  private readonly bootstrap: () => readonly string[];
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly revoke: ((prefix: string) => Promise<void>) | undefined;

  /** `revoke` also removes the session's Kafka permissions (classroom mode on the local cluster). */
  constructor(bootstrap: () => readonly string[], revoke?: (prefix: string) => Promise<void>) {
    this.bootstrap = bootstrap;
    this.revoke = revoke;
  }

  /** Records activity for a session prefix (e.g. "s-0123…"). */
  touch(prefix: string): void {
    if (prefix) this.lastSeen.set(prefix, Date.now());
  }

  private async withAdmin<T>(work: (admin: ReturnType<Kafka["admin"]>) => Promise<T>): Promise<T> {
    const kafka = new Kafka({
      clientId: "offset-janitor",
      brokers: [...this.bootstrap()],
      logLevel: logLevel.NOTHING,
      retry: { retries: 2 },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  }

  /** Deletes every topic and group whose name starts with `${prefix}.`; returns what was deleted. */
  async purge(prefix: string): Promise<{ topics: string[]; groups: string[] }> {
    return this.withAdmin(async (admin) => {
      const mine = (name: string) => name.startsWith(`${prefix}.`);
      const topics = (await retrying(() => admin.listTopics())).filter(mine);
      const groups = (await retrying(() => admin.listGroups())).groups.map((g) => g.groupId).filter(mine);
      if (groups.length) await admin.deleteGroups(groups).catch(() => {});
      if (topics.length) await admin.deleteTopics({ topics, timeout: 15_000 });
      await this.revoke?.(prefix);
      this.lastSeen.delete(prefix);
      return { topics, groups };
    });
  }

  /** Deletes the named topics (a session over one of its limits). */
  async deleteTopics(topics: string[]): Promise<void> {
    await this.withAdmin((admin) => admin.deleteTopics({ topics, timeout: 15_000 }));
  }

  /** Starts purging sessions idle for longer than `idleMinutes`, checking once a minute. */
  start(idleMinutes: number): void {
    this.timer = setInterval(() => {
      const cutoff = Date.now() - idleMinutes * 60_000;
      for (const [prefix, seen] of this.lastSeen) {
        if (seen < cutoff)
          void this.purge(prefix).catch((error: unknown) => console.error(`[runner] could not clean up ${prefix}:`, error));
      }
    }, 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
