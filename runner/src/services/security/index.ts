/**
 * TLS and SCRAM on the course cluster (lesson 21). The local cluster has a SECURE listener, SASL over TLS with a
 * certificate from the course's own CA (cluster/local/tls.ts); this service opens it to the runs of the lessons
 * that need it, with the CA's certificate, and runs the security gate: a small HTTP endpoint in the runner
 * through which a run creates SCRAM users and adds ACLs, two things that need ALTER on the cluster, within the
 * rules of policy.ts. A run reaches the gate at LAB_SECURITY_URL = http://<gate>/s/<token>/, the token made as
 * for the Connect gate (gate-token.ts). The service has no process of its own: the brokers are the cluster's, and
 * the gate lives in the runner.
 */
import type http from "node:http";
import kafkajs, { type AclEntry } from "kafkajs";
import { canConnect } from "../../cluster/probe.ts";
import { sessionAcls, type SessionAcls } from "../../session/acls.ts";
import {
  alterScramCredentials,
  countAcls,
  describeScramCredentials,
  type ScramCredentialInfo,
  type ScramMechanism,
} from "../../share/wire.ts";
import { gateToken, sessionOfToken } from "../gate-token.ts";
import { GateServer, HttpFailure, json, parseJson, readBody, redact } from "../http-gate.ts";
import type { ServicePorts } from "../ports.ts";
import { ServiceError, type InsideAddress, type LearnerEndpoint, type Progress, type Service } from "../types.ts";
import { MAX_GATE_ACLS_PER_SESSION, MAX_USERS_PER_SESSION, SecurityScope, checkAcl, checkScramUser } from "./policy.ts";

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

const PURPOSE = "security-gate";
const MAX_BODY_BYTES = 4 * 1024;

export interface SecurityServiceOptions {
  ports: ServicePorts;
  classroom: boolean;
  /** The cluster's TLS listener (host:port as the runner's host reaches it) and the course CA's certificate. */
  secure: { bootstrap: readonly string[]; caPem(): string | undefined };
  /** Grants a SCRAM user its session's rights and quotas, lists and changes ACLs, and reaches the brokers on the runner's own listener. */
  acls: SessionAcls;
  /** Keys the gate's tokens. */
  secret: () => string;
  /** Refusals of the gate (the runner's log). */
  log?: Progress;
}

export class SecurityService implements Service {
  readonly name = "security" as const;
  readonly title = "TLS and SCRAM on the course cluster";
  /** Nothing of its own runs: the listener is the brokers', the gate a few kilobytes of the runner. */
  readonly memoryMb = 0;
  readonly install = "the course cluster's SASL_SSL listener, with a certificate from the course CA (the JDK's keytool)";
  readonly ports: readonly number[];
  readonly gateAddress: string;
  private readonly options: SecurityServiceOptions;
  private readonly gate: GateServer;

  constructor(options: SecurityServiceOptions) {
    this.options = options;
    this.ports = [options.ports.securityGate];
    this.gateAddress = `127.0.0.1:${options.ports.securityGate}`;
    this.gate = new GateServer((request, response) => this.handle(request, response), 40_000);
  }

  /** The TLS listener's addresses as the runner's host connects to them (the certificate names localhost). */
  private hostSecureAddresses(): string[] {
    return this.options.secure.bootstrap.map((address) => address.replace(/^localhost:/, "127.0.0.1:"));
  }

  ensureInstalled(): Promise<void> {
    if (!this.options.secure.caPem()) {
      return Promise.reject(
        new ServiceError(
          "The course cluster has not made its CA yet: start it once with this version (npm start, or npm run cluster -- up).",
        ),
      );
    }
    return Promise.resolve();
  }

  async start(progress: Progress): Promise<void> {
    await this.ensureInstalled();
    if (!(await canConnect(this.hostSecureAddresses()[0]!))) {
      throw new ServiceError(
        "The course cluster has no TLS listener: it was started by an older version. Restart it (npm run cluster -- down, then npm start).",
      );
    }
    await this.openGate();
    progress(`${this.title}: SASL_SSL on ${this.options.secure.bootstrap.join(",")}, gate on ${this.gateAddress}`);
  }

  private async openGate(): Promise<void> {
    try {
      await this.gate.listen(this.options.ports.securityGate);
    } catch (error) {
      throw new ServiceError(
        `The security gate cannot listen on ${this.gateAddress} (${(error as Error).message}). Stop what holds the port, or set SERVICES_PORT to a free range.`,
      );
    }
  }

  async stop(): Promise<void> {
    await this.gate.close();
  }

  async ready(): Promise<boolean> {
    return this.gate.isListening && (await canConnect(this.hostSecureAddresses()[0]!));
  }

  /** The runner's own pid while the gate listens: the gate is part of it. */
  pids(): number[] {
    return this.gate.isListening ? [process.pid] : [];
  }

  endpoints(): LearnerEndpoint[] {
    return [{ address: this.gateAddress }, ...this.hostSecureAddresses().map((address) => ({ address }))];
  }

  /** The URL of a session's gate, as `inside` maps the runner's address. */
  gateUrl(labSession: string, inside: InsideAddress = (address) => address): string {
    return `http://${inside(this.gateAddress)}/s/${gateToken(this.options.secret(), labSession, PURPOSE)}/`;
  }

  /**
   * LAB_TLS_BROKERS (the TLS listener, by the name its certificate holds), LAB_TLS_CA (the course CA's certificate,
   * PEM) and LAB_SECURITY_URL (the session's gate).
   */
  async sessionEnv(labSession: string, inside: InsideAddress): Promise<Record<string, string>> {
    if (this.options.classroom && labSession === "") {
      throw new ServiceError("TLS and SCRAM: a classroom run needs its session's own users, and this run has no session.");
    }
    await this.openGate();
    const ca = this.options.secure.caPem();
    if (!ca) throw new ServiceError("The course CA's certificate is missing; restart the course cluster.");
    const brokers = this.hostSecureAddresses().map((address) => inside(address).replace(/^127\.0\.0\.1:/, "localhost:"));
    return { LAB_TLS_BROKERS: brokers.join(","), LAB_TLS_CA: ca, LAB_SECURITY_URL: this.gateUrl(labSession, inside) };
  }

  /** Deletes a session's SCRAM users, their rights and quotas, and the ACLs the gate added for it. */
  async forgetSession(labSession: string): Promise<void> {
    if (labSession === "") return;
    const scope = new SecurityScope(labSession);
    const users = (await this.options.acls.anyBroker((broker) => describeScramCredentials(broker, null))).filter((u) =>
      scope.ownsUser(u.user),
    );
    for (const user of users) await this.deleteUser(scope, user);
    await this.deleteAclsOf(
      `User:${labSession}`,
      (binding) => binding.resourcePatternType === ResourcePatternTypes.LITERAL && binding.resourceType !== AclResourceTypes.CLUSTER,
    );
  }

  /**
   * Deletes the ACL bindings of `principal` that `which` picks (all of them by default). kafkajs' DeleteAcls
   * filters need a resource name, so the bindings are listed first and deleted one by one, exactly.
   */
  private async deleteAclsOf(principal: string, which: (binding: AclEntry) => boolean = () => true): Promise<void> {
    await this.options.acls.admin(async (admin) => {
      const { resources } = await admin.describeAcls({
        principal,
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      const filters = resources
        .flatMap((r) =>
          r.acls.map((acl) => ({
            resourceType: r.resourceType,
            resourceName: r.resourceName,
            resourcePatternType: r.resourcePatternType,
            ...acl,
          })),
        )
        .filter(which);
      if (filters.length) await admin.deleteAcls({ filters });
    });
  }

  private async deleteUser(scope: SecurityScope, user: ScramCredentialInfo): Promise<void> {
    await this.options.acls.anyBroker((broker) =>
      alterScramCredentials(
        broker,
        [],
        user.mechanisms.map(({ mechanism }) => ({ user: user.user, mechanism })),
      ),
    );
    await this.options.acls.revokeUser(scope.labSession, user.user);
    // What the gate added for the user beyond its session's rights.
    await this.deleteAclsOf(`User:${user.user}`);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? "/", "http://gate");
      const match = /^\/s\/([^/]+)\/(scram-users|acls)(?:\/([^/]+))?$/.exec(url.pathname);
      const labSession = match ? sessionOfToken(this.options.secret(), match[1]!, PURPOSE) : undefined;
      if (!match || labSession === undefined) {
        throw new HttpFailure(
          403,
          "This is not your security address: use LAB_SECURITY_URL exactly as your run received it, with scram-users or acls after it.",
        );
      }
      if (this.options.classroom && labSession === "") throw new HttpFailure(403, "A classroom gate needs a session.");
      const scope = new SecurityScope(labSession);
      const method = request.method ?? "GET";
      const body =
        method === "GET" || (method === "DELETE" && match[2] === "scram-users") ? Buffer.alloc(0) : await readBody(request, MAX_BODY_BYTES);
      const route = `${method} ${match[2]}${match[3] ? "/:name" : ""}`;
      switch (route) {
        case "GET scram-users":
          return json(response, 200, { users: await this.listUsers(scope) });
        case "POST scram-users":
          return json(response, 201, await this.createUser(scope, parseJson(body)));
        case "DELETE scram-users/:name": {
          const full = scope.fullUser(decodeURIComponent(match[3]!));
          const user = (await this.listUsers(scope)).find((u) => u.user === full);
          if (!user) throw new HttpFailure(404, `There is no SCRAM user ${full} of yours.`);
          await this.deleteUser(scope, user);
          return json(response, 200, { deleted: full });
        }
        case "POST acls":
          return json(response, 201, await this.changeAcl(checkAcl(scope, parseJson(body)), "add"));
        case "DELETE acls":
          return json(response, 200, await this.changeAcl(checkAcl(scope, parseJson(body)), "remove"));
        default:
          throw new HttpFailure(405, "The security gate takes GET/POST scram-users, DELETE scram-users/<user>, and POST/DELETE acls.");
      }
    } catch (error) {
      const failure =
        error instanceof HttpFailure ? error : new HttpFailure(502, `The course cluster refused or failed: ${(error as Error).message}`);
      if (failure.status === 403)
        this.options.log?.(`[runner] security gate refused ${request.method} ${redact(request.url)}: ${failure.message}`);
      json(response, failure.status, { error: failure.message });
    }
  }

  private async listUsers(scope: SecurityScope): Promise<ScramCredentialInfo[]> {
    const all = await this.options.acls.anyBroker((broker) => describeScramCredentials(broker, null));
    return all.filter((u) => scope.ownsUser(u.user)).sort((a, b) => a.user.localeCompare(b.user));
  }

  private async createUser(
    scope: SecurityScope,
    body: unknown,
  ): Promise<{ user: string; principal: string; mechanism: ScramMechanism; iterations: number }> {
    const wanted = checkScramUser(scope, body);
    const users = await this.listUsers(scope);
    if (scope.labSession && !users.some((u) => u.user === wanted.user) && users.length >= MAX_USERS_PER_SESSION) {
      throw new HttpFailure(
        403,
        `You have ${users.length} SCRAM users, the most a learner may have here. Delete one first: ${users.map((u) => u.user).join(", ")}.`,
      );
    }
    await this.options.acls.anyBroker((broker) => alterScramCredentials(broker, [wanted]));
    // Its session's rights and quotas, on every broker before the answer (and with them its credentials, written first).
    await this.options.acls.grantUser(scope.labSession, wanted.user);
    return { user: wanted.user, principal: `User:${wanted.user}`, mechanism: wanted.mechanism, iterations: wanted.iterations };
  }

  /** Adds or removes one ACL binding and waits until every broker's authorizer has the change. */
  private async changeAcl(acl: AclEntry, change: "add" | "remove"): Promise<{ acl: Record<string, string>; changed: boolean }> {
    let changed: boolean;
    if (change === "add") {
      const held = await this.options.acls.anyBroker((broker) => countAcls(broker, acl.principal));
      if (held >= MAX_GATE_ACLS_PER_SESSION + sessionAcls("s-000000000000").length) {
        throw new HttpFailure(
          403,
          `${acl.principal} has ${held} ACL bindings, the most the gate adds to. Remove some first (DELETE acls).`,
        );
      }
      await this.options.acls.admin((admin) => admin.createAcls({ acl: [acl] }));
      changed = true;
    } else {
      const result = await this.options.acls.admin((admin) => admin.deleteAcls({ filters: [acl] }));
      changed = result.filterResponses.some((r) => r.matchingAcls.length > 0);
    }
    // The answer waits until every broker enforces the change, so the run's next request meets it everywhere.
    await this.options.acls.waitForAcls(acl.principal, (count) => count === (change === "add" ? 1 : 0), acl);
    return { acl: describeAcl(acl), changed };
  }
}

/** An ACL binding in words, as the gate answers. */
function describeAcl(acl: AclEntry): Record<string, string> {
  const name = <T extends object>(values: T, value: number) => Object.entries(values).find(([, v]) => v === value)?.[0] ?? String(value);
  return {
    principal: acl.principal,
    resourceType: name(AclResourceTypes, acl.resourceType),
    name: acl.resourceName,
    patternType: name(ResourcePatternTypes, acl.resourcePatternType),
    operation: name(AclOperationTypes, acl.operation),
    permission: name(AclPermissionTypes, acl.permissionType),
  };
}
