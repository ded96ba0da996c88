/**
 * Grants each classroom session its Kafka permissions on first use: everything on topics, groups and
 * transactional ids that start with its prefix, and the few cluster-wide operations lessons need. Nothing else:
 * another session's topics are invisible and unreadable to it.
 */
import "../cluster/tolerant-metadata.ts";
import kafkajs, { type AclEntry } from "kafkajs";

// kafkajs is CommonJS and Node's ESM loader cannot see these enums as named exports; read them off the module.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } = kafkajs;
type Kafka = InstanceType<typeof Kafka>;

/** The ACL entries of one session principal. */
export function sessionAcls(prefix: string): AclEntry[] {
  const principal = `User:${prefix}`;
  const named = [AclResourceTypes.TOPIC, AclResourceTypes.GROUP, AclResourceTypes.TRANSACTIONAL_ID].map((resourceType) => ({
    resourceType,
    resourceName: `${prefix}.`,
    resourcePatternType: ResourcePatternTypes.PREFIXED,
    principal,
    host: "*",
    operation: AclOperationTypes.ALL,
    permissionType: AclPermissionTypes.ALLOW,
  }));
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

export class SessionAcls {
  private readonly granted = new Map<string, Promise<void>>();
  private readonly bootstrap: () => readonly string[];

  constructor(bootstrap: () => readonly string[]) {
    this.bootstrap = bootstrap;
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
      pending = this.withAdmin((admin) => admin.createAcls({ acl: sessionAcls(prefix) }).then(() => undefined));
      pending.catch(() => this.granted.delete(prefix));
      this.granted.set(prefix, pending);
    }
    return pending;
  }

  /** Removes the session's ACLs (when its topics are purged). */
  async revoke(prefix: string): Promise<void> {
    this.granted.delete(prefix);
    await this.withAdmin(async (admin) => {
      await admin.deleteAcls({ filters: sessionAcls(prefix) });
    });
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
