/**
 * What the security gate lets one session do on the course cluster, as pure functions (checked by unit tests):
 * create and delete SCRAM users named with its prefix, and add or remove ACLs whose principal is one of its own
 * logins and whose resource is one of its own topics or groups. Creating users and ACLs needs ALTER on the
 * cluster, which no learner holds (it would let one grant itself every other session's topics): the gate does it
 * for them, within these rules.
 */
import kafkajs, { type AclEntry } from "kafkajs";
import { SCRAM_ITERATIONS, SCRAM_MECHANISMS, type ScramMechanism } from "../../share/wire.ts";
import { HttpFailure } from "../http-gate.ts";

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

/** SCRAM users one session may hold at once. */
export const MAX_USERS_PER_SESSION = 5;
/** ACL bindings a session may add through the gate, over all its logins. */
export const MAX_GATE_ACLS_PER_SESSION = 20;

const USER_NAME = /^[A-Za-z0-9_-]{1,32}$/;

/** Operations an ACL made through the gate may name (lowercase, as kafka-acls.sh spells them with --operation). */
export const ACL_OPERATIONS = {
  all: AclOperationTypes.ALL,
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  create: AclOperationTypes.CREATE,
  delete: AclOperationTypes.DELETE,
  alter: AclOperationTypes.ALTER,
  describe: AclOperationTypes.DESCRIBE,
  describe_configs: AclOperationTypes.DESCRIBE_CONFIGS,
  alter_configs: AclOperationTypes.ALTER_CONFIGS,
} as const;
export type AclOperationName = keyof typeof ACL_OPERATIONS;

export interface ScramUserRequest {
  user: string;
  password: string;
  mechanism: ScramMechanism;
  iterations: number;
}

export interface AclRequest {
  principal: string;
  resourceType: "topic" | "group";
  name: string;
  patternType: "literal" | "prefixed";
  operation: AclOperationName;
  permission: "allow" | "deny";
}

/** One session's view of names: its prefix, and the full names of its users and resources. */
export class SecurityScope {
  readonly labSession: string;

  constructor(labSession: string) {
    this.labSession = labSession;
  }

  /** A user's full name: `<session>.<user>` in a classroom, the name itself for a single learner. */
  fullUser(user: string): string {
    return this.labSession && !user.startsWith(`${this.labSession}.`) ? `${this.labSession}.${user}` : user;
  }

  /** True when `full` is a SCRAM user of this session. */
  ownsUser(full: string): boolean {
    return this.labSession ? full.startsWith(`${this.labSession}.`) && USER_NAME.test(full.slice(this.labSession.length + 1)) : true;
  }

  /** A topic's or group's full name, as `topic()` and `groupId()` make it. */
  fullResource(name: string): string {
    return this.labSession && !name.startsWith(`${this.labSession}.`) ? `${this.labSession}.${name}` : name;
  }

  /** True when `principal` is one of this session's logins: the session itself or one of its SCRAM users. */
  ownsPrincipal(principal: string): boolean {
    if (!principal.startsWith("User:")) return false;
    const name = principal.slice("User:".length);
    return this.labSession ? name === this.labSession || this.ownsUser(name) : name.length > 0 && name !== "ANONYMOUS";
  }
}

function fail(message: string): never {
  throw new HttpFailure(400, message);
}

function object(body: unknown, shape: string): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) fail(`This request takes a JSON object: ${shape}.`);
  return body as Record<string, unknown>;
}

/** Checks a request to create a SCRAM user; the user name is the short one (the gate adds the session prefix). */
export function checkScramUser(scope: SecurityScope, body: unknown): ScramUserRequest {
  const o = object(body, '{"user": "alice", "password": "…", "mechanism": "SCRAM-SHA-512"}');
  const short = typeof o.user === "string" && scope.labSession ? o.user.replace(new RegExp(`^${escape(scope.labSession)}\\.`), "") : o.user;
  if (typeof short !== "string" || !USER_NAME.test(short))
    fail("user must be 1 to 32 letters, digits, '-' or '_' (the course adds your session's prefix).");
  if (typeof o.password !== "string" || o.password.length < 1 || o.password.length > 128)
    fail("password must be a string of 1 to 128 characters.");
  const mechanism = o.mechanism ?? "SCRAM-SHA-512";
  if (typeof mechanism !== "string" || !(mechanism in SCRAM_MECHANISMS)) fail("mechanism must be SCRAM-SHA-512 or SCRAM-SHA-256.");
  const iterations = o.iterations ?? SCRAM_ITERATIONS.min;
  if (
    typeof iterations !== "number" ||
    !Number.isInteger(iterations) ||
    iterations < SCRAM_ITERATIONS.min ||
    iterations > SCRAM_ITERATIONS.max
  ) {
    fail(`iterations must be a whole number from ${SCRAM_ITERATIONS.min} (Kafka's minimum) to ${SCRAM_ITERATIONS.max}.`);
  }
  return { user: scope.fullUser(short), password: o.password, mechanism: mechanism as ScramMechanism, iterations };
}

/** Checks an ACL request and returns the binding, with the session's full names, or refuses it (403). */
export function checkAcl(scope: SecurityScope, body: unknown): AclEntry {
  const o = object(body, '{"principal": "User:…", "resourceType": "topic", "name": "orders", "operation": "write", "permission": "deny"}');
  if (typeof o.principal !== "string") fail('principal must be a string such as "User:<user>" (the username your client logs in with).');
  if (o.principal === "User:ANONYMOUS" || o.principal === "User:*") {
    throw new HttpFailure(403, `${o.principal} is not one of your logins: ACLs made here name your session or one of your SCRAM users.`);
  }
  const principal = o.principal.startsWith("User:") ? `User:${scope.fullUser(o.principal.slice(5))}` : o.principal;
  if (!scope.ownsPrincipal(principal)) {
    throw new HttpFailure(
      403,
      `${o.principal} is not one of your logins: name your session (${scope.labSession ? `User:${scope.labSession}` : "a user"}) or one of your SCRAM users.`,
    );
  }
  const resourceType = o.resourceType ?? "topic";
  if (resourceType !== "topic" && resourceType !== "group") fail('resourceType must be "topic" or "group".');
  if (typeof o.name !== "string" || !/^[A-Za-z0-9._-]{1,200}$/.test(o.name))
    fail("name must be a topic or group name (letters, digits, '.', '_', '-').");
  const patternType = o.patternType ?? "literal";
  if (patternType !== "literal" && patternType !== "prefixed") fail('patternType must be "literal" or "prefixed".');
  const operation = o.operation;
  if (typeof operation !== "string" || !(operation in ACL_OPERATIONS))
    fail(`operation must be one of ${Object.keys(ACL_OPERATIONS).join(", ")}.`);
  const permission = o.permission;
  if (permission !== "allow" && permission !== "deny") fail('permission must be "allow" or "deny".');
  return {
    resourceType: resourceType === "topic" ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
    resourceName: scope.fullResource(o.name),
    resourcePatternType: patternType === "literal" ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
    principal,
    host: "*",
    operation: ACL_OPERATIONS[operation as AclOperationName],
    permissionType: permission === "allow" ? AclPermissionTypes.ALLOW : AclPermissionTypes.DENY,
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
