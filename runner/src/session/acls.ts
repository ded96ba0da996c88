/**
 * Grants each classroom session its Kafka permissions on first use: everything on topics, groups and
 * transactional ids that start with its prefix, and the few cluster-wide operations lessons need. Nothing else:
 * another session's topics are invisible and unreadable to it. The same step sets the session's client quotas,
 * and the first run waits until every broker's authorizer holds the new ACLs, so it never meets a broker that
 * has not heard of them yet.
 */
import { setTimeout as sleep } from "node:timers/promises";
import "../cluster/tolerant-metadata.ts";
import kafkajs, { type AclEntry } from "kafkajs";
import { alterUserQuotas, countAcls, type AclBindingFilter, type QuotaKey } from "../share/wire.ts";

// kafkajs is CommonJS and Node's ESM loader cannot see these enums as named exports; read them off the module.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } = kafkajs;
type Kafka = InstanceType<typeof Kafka>;

/**
 * The ACL entries of one session principal: `User:<prefix>` itself, or another login of the session (`user`, a
 * SCRAM user lesson 21 creates), with the same rights on the session's names. A single learner (prefix "") has
 * no prefix to hold a login to: a login of its own gets every name (the literal wildcard `*`).
 */
export function sessionAcls(prefix: string, user = prefix): AclEntry[] {
  const principal = `User:${user}`;
  const named = [AclResourceTypes.TOPIC, AclResourceTypes.GROUP, AclResourceTypes.TRANSACTIONAL_ID].map((resourceType) => ({
    resourceType,
    resourceName: prefix ? `${prefix}.` : "*",
    resourcePatternType: prefix ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
    principal,
    host: "*",
    operation: AclOperationTypes.ALL,
    permissionType: AclPermissionTypes.ALLOW,
  }));
  // A sink connector's consumer group is "connect-<connector name>", and a session's connectors are named with
  // its prefix (the Connect gate's rule): the group belongs to the session too.
  if (prefix) {
    named.push({
      resourceType: AclResourceTypes.GROUP,
      resourceName: `connect-${prefix}.`,
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      principal,
      host: "*",
      operation: AclOperationTypes.ALL,
      permissionType: AclPermissionTypes.ALLOW,
    });
  }
  // Lessons read broker configs and the controller quorum: cluster-wide reads that reveal no other session's
  // records (DESCRIBE also lists ACLs, whose principals are hashed prefixes; knowing one does not give its login).
  // ALTER is withheld on purpose: in Kafka it is also the right to create ACLs, so a session holding it could
  // grant itself every other session's topics. Leader elections and reassignments need it, so classroom learners
  // cannot run those; the lessons say so.
  const cluster = [AclOperationTypes.DESCRIBE, AclOperationTypes.DESCRIBE_CONFIGS, AclOperationTypes.IDEMPOTENT_WRITE].map((operation) => ({
    resourceType: AclResourceTypes.CLUSTER,
    resourceName: "kafka-cluster",
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal,
    host: "*",
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  }));
  return [...named, ...cluster];
}

/** A session's client quotas; a key left out (or 0 in config) is unthrottled. */
export type SessionQuotas = Partial<Record<QuotaKey, number>>;

/** How long a first run waits for its ACLs to reach every broker before it is told to try again. */
const PROPAGATION_TIMEOUT_MS = 20_000;

export class SessionAcls {
  private readonly granted = new Map<string, Promise<void>>();
  private readonly bootstrap: () => readonly string[];
  private readonly quotas: SessionQuotas;

  constructor(bootstrap: () => readonly string[], quotas: SessionQuotas = {}) {
    this.bootstrap = bootstrap;
    this.quotas = Object.fromEntries(Object.entries(quotas).filter(([, v]) => v !== undefined && v > 0));
  }

  // A broker that just stopped can leave the quorum mid-election for a few seconds; ride that out.
  private client(): Kafka {
    return new Kafka({
      clientId: "offset-acls",
      brokers: [...this.bootstrap()],
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
  }

  /** Grants the session's ACLs once per runner lifetime (creating existing ACLs again is harmless). */
  ensure(prefix: string): Promise<void> {
    let pending = this.granted.get(prefix);
    if (!pending) {
      pending = this.grant(prefix);
      pending.catch(() => this.granted.delete(prefix));
      this.granted.set(prefix, pending);
    }
    return pending;
  }

  private async grant(prefix: string, user = prefix): Promise<void> {
    const acls = sessionAcls(prefix, user);
    await this.withAdmin((admin) => admin.createAcls({ acl: acls }));
    if (Object.keys(this.quotas).length) await this.anyBroker((broker) => alterUserQuotas(broker, user, this.quotas));
    await this.propagated(`User:${user}`, acls.length);
  }

  /**
   * Gives `user`, another login of session `prefix`, the session's rights and quotas, and waits until every
   * broker has them. The metadata log is replayed in order, so a broker that has these ACLs also has whatever was
   * written before them (the user's SCRAM credentials).
   */
  grantUser(prefix: string, user: string): Promise<void> {
    return this.grant(prefix, user);
  }

  /** Removes what `grantUser` gave `user`. */
  async revokeUser(prefix: string, user: string): Promise<void> {
    await this.withAdmin((admin) => admin.deleteAcls({ filters: sessionAcls(prefix, user) }));
    const keys = Object.keys(this.quotas) as QuotaKey[];
    if (keys.length) await this.anyBroker((broker) => alterUserQuotas(broker, user, Object.fromEntries(keys.map((k) => [k, null]))));
  }

  /**
   * Waits until every broker's count of `principal`'s ACL bindings (those matching `binding`, when given)
   * satisfies `done`: after a change made elsewhere.
   */
  waitForAcls(principal: string, done: (count: number) => boolean, binding?: AclBindingFilter): Promise<void> {
    return this.propagated(principal, done, binding);
  }

  /** An admin client on the runner's own listener, for one piece of work. */
  admin<T>(work: (admin: ReturnType<Kafka["admin"]>) => Promise<T>): Promise<T> {
    return this.withAdmin(work);
  }

  /** Resolves once every broker's authorizer lists `expected` ACLs for `principal` (brokers that are down are skipped). */
  private async propagated(principal: string, expected: number | ((count: number) => boolean), binding?: AclBindingFilter): Promise<void> {
    const done = typeof expected === "number" ? (count: number) => count >= expected : expected;
    const deadline = Date.now() + PROPAGATION_TIMEOUT_MS;
    const waiting = new Set(this.bootstrap());
    while (waiting.size) {
      for (const broker of [...waiting]) {
        const count = await countAcls(broker, principal, binding).catch((error: NodeJS.ErrnoException) =>
          // A stopped broker refuses the connection; it reloads every ACL from the metadata log when it starts.
          error.code === "ECONNREFUSED" ? Number.NaN : -1,
        );
        if (Number.isNaN(count) || (count >= 0 && done(count))) waiting.delete(broker);
      }
      if (!waiting.size) return;
      if (Date.now() > deadline) {
        throw new Error(`the brokers ${[...waiting].join(", ")} have not received your session's permissions yet`);
      }
      await sleep(100);
    }
  }

  /** Runs `work` against the first broker that answers (on the runner's own listener). */
  async anyBroker<T>(work: (broker: string) => Promise<T>): Promise<T> {
    let last: unknown;
    for (const broker of this.bootstrap()) {
      try {
        return await work(broker);
      } catch (error) {
        last = error;
      }
    }
    throw last;
  }

  /** Removes the session's ACLs and quotas (when its topics are purged). */
  async revoke(prefix: string): Promise<void> {
    this.granted.delete(prefix);
    await this.withAdmin(async (admin) => {
      await admin.deleteAcls({ filters: sessionAcls(prefix) });
    });
    const keys = Object.keys(this.quotas) as QuotaKey[];
    if (keys.length) await this.anyBroker((broker) => alterUserQuotas(broker, prefix, Object.fromEntries(keys.map((k) => [k, null]))));
  }

  private async withAdmin<T>(work: (admin: ReturnType<Kafka["admin"]>) => Promise<T>): Promise<T> {
    const admin = this.client().admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  }
}
