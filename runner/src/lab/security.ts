/**
 * TLS and SCRAM on the course cluster, from a lab (lesson 21). The cluster has a SASL_SSL listener whose
 * certificate the course's own CA signed: `tlsBrokers()` and `courseCa()` are what a kafkajs client needs to reach
 * it. Creating SCRAM users and ACLs needs ALTER on the cluster, which a learner does not hold, so `scramUser` and
 * `addAcl` ask the runner's security gate, which does it within the session's own names and waits until every
 * broker has the change.
 */
const env = typeof process === "object" ? process.env : {};

function required(name: string): string {
  const value = env[name];
  if (!value) {
    throw new Error(
      "The course cluster's TLS listener is not open to this run. Only lesson 21 (Securing Kafka) reaches it, and only on the local cluster (KAFKA_MODE=local), which is the one with a TLS listener: run this code from that lesson's page there.",
    );
  }
  return value;
}

/** The TLS (SASL_SSL) listener's bootstrap servers, by the host name its certificate holds (localhost). */
export function tlsBrokers(): string[] {
  return required("LAB_TLS_BROKERS").split(",");
}

/** The course CA's certificate (PEM): what a client trusts to accept the brokers' certificate (`ssl: { ca: [courseCa()] }`). */
export function courseCa(): string {
  return required("LAB_TLS_CA");
}

export type ScramMechanismName = "SCRAM-SHA-512" | "SCRAM-SHA-256";

/** A SCRAM user as the gate made it. */
export interface ScramUser {
  /** The username to log in with: `<session prefix>.<name>` in a classroom. */
  user: string;
  /** Its principal, as ACLs name it: `User:<user>`. */
  principal: string;
  mechanism: ScramMechanismName;
  iterations: number;
}

/** One user's stored credentials: which mechanisms, and how many iterations (never the secrets). */
export interface ScramCredentials {
  user: string;
  mechanisms: { mechanism: ScramMechanismName; iterations: number }[];
}

/** An ACL binding to add or remove through the gate. Names are yours: the course adds your session's prefix. */
export interface AclSpec {
  /** `User:<username>`: this session's login, or one of its SCRAM users. */
  principal: string;
  /** A topic (default) or a consumer group. */
  resourceType?: "topic" | "group";
  name: string;
  /** `literal` (default): exactly this name; `prefixed`: every name that starts with it. */
  patternType?: "literal" | "prefixed";
  operation: "all" | "read" | "write" | "create" | "delete" | "alter" | "describe" | "describe_configs" | "alter_configs";
  permission: "allow" | "deny";
}

async function gate<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(new URL(path, required("LAB_SECURITY_URL")), {
    method,
    headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const answer = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok)
    throw new Error(`The security gate refused ${method} ${path} (${response.status}): ${answer.error ?? "no reason given"}`);
  return answer;
}

/**
 * Creates (or replaces) SCRAM user `name` with `password`, stored for one mechanism (SCRAM-SHA-512 unless told
 * otherwise). The user gets the same rights as this session's own login, and the answer comes once every broker
 * knows it.
 */
export function scramUser(
  name: string,
  password: string,
  options: { mechanism?: ScramMechanismName; iterations?: number } = {},
): Promise<ScramUser> {
  return gate<ScramUser>("POST", "scram-users", { user: name, password, ...options });
}

/** This session's SCRAM users and their stored mechanisms. */
export async function scramUsers(): Promise<ScramCredentials[]> {
  return (await gate<{ users: ScramCredentials[] }>("GET", "scram-users")).users;
}

/** Deletes SCRAM user `name` (every mechanism) and the rights it was given. */
export async function deleteScramUser(name: string): Promise<void> {
  await gate("DELETE", `scram-users/${encodeURIComponent(name)}`);
}

/** Adds an ACL binding, as `kafka-acls.sh --add` would; resolves once every broker enforces it. */
export async function addAcl(acl: AclSpec): Promise<Record<string, string>> {
  return (await gate<{ acl: Record<string, string> }>("POST", "acls", acl)).acl;
}

/** Removes an ACL binding added with `addAcl`; resolves once no broker enforces it. */
export async function removeAcl(acl: AclSpec): Promise<boolean> {
  return (await gate<{ changed: boolean }>("DELETE", "acls", acl)).changed;
}
