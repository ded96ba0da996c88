import { describe, expect, it } from "vitest";
import kafkajs from "kafkajs";
import { HttpFailure } from "../http-gate.ts";
import { SecurityScope, checkAcl, checkScramUser } from "./policy.ts";

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;
const alice = new SecurityScope("s-0123456789ab");
const single = new SecurityScope("");

function status(work: () => unknown): number | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof HttpFailure ? error.status : -1;
  }
  return undefined;
}

describe("SCRAM users through the gate", () => {
  it("get the session's prefix and SCRAM-SHA-512 at Kafka's minimum iterations by default", () => {
    expect(checkScramUser(alice, { user: "billing", password: "pw" })).toEqual({
      user: "s-0123456789ab.billing",
      password: "pw",
      mechanism: "SCRAM-SHA-512",
      iterations: 4096,
    });
    expect(checkScramUser(alice, { user: "s-0123456789ab.billing", password: "pw" }).user).toBe("s-0123456789ab.billing");
    expect(checkScramUser(single, { user: "billing", password: "pw", mechanism: "SCRAM-SHA-256", iterations: 8192 })).toMatchObject({
      user: "billing",
      mechanism: "SCRAM-SHA-256",
      iterations: 8192,
    });
  });

  it("refuse other sessions' names, odd names, empty passwords, unknown mechanisms and iterations Kafka refuses", () => {
    for (const body of [
      { user: "s-ffffffffffff.billing", password: "pw" },
      { user: "a.b", password: "pw" },
      { user: "", password: "pw" },
      { user: "billing", password: "" },
      { user: "billing", password: "pw", mechanism: "PLAIN" },
      { user: "billing", password: "pw", iterations: 1000 },
      { user: "billing", password: "pw", iterations: 4096.5 },
      "billing",
    ]) {
      expect(
        status(() => checkScramUser(alice, body)),
        JSON.stringify(body),
      ).toBe(400);
    }
  });

  it("belong to their session only", () => {
    expect(alice.ownsUser("s-0123456789ab.billing")).toBe(true);
    expect(alice.ownsUser("s-ffffffffffff.billing")).toBe(false);
    expect(alice.ownsUser("s-0123456789ab")).toBe(false);
    expect(alice.ownsPrincipal("User:s-0123456789ab")).toBe(true);
    expect(alice.ownsPrincipal("User:s-ffffffffffff")).toBe(false);
    expect(single.ownsPrincipal("User:ANONYMOUS")).toBe(false);
  });
});

describe("ACLs through the gate", () => {
  it("bind one of the session's logins to one of its names, literally unless told otherwise", () => {
    expect(checkAcl(alice, { principal: "User:billing", name: "payroll", operation: "write", permission: "deny" })).toEqual({
      principal: "User:s-0123456789ab.billing",
      resourceType: AclResourceTypes.TOPIC,
      resourceName: "s-0123456789ab.payroll",
      resourcePatternType: ResourcePatternTypes.LITERAL,
      host: "*",
      operation: AclOperationTypes.WRITE,
      permissionType: AclPermissionTypes.DENY,
    });
    const prefixed = checkAcl(alice, {
      principal: "User:s-0123456789ab",
      resourceType: "group",
      name: "billing-",
      patternType: "prefixed",
      operation: "read",
      permission: "allow",
    });
    expect(prefixed).toMatchObject({
      resourceType: AclResourceTypes.GROUP,
      resourceName: "s-0123456789ab.billing-",
      resourcePatternType: ResourcePatternTypes.PREFIXED,
    });
  });

  it("refuse another session's principal (403) and anything malformed (400)", () => {
    const good = { principal: "User:billing", name: "payroll", operation: "write", permission: "deny" };
    expect(status(() => checkAcl(alice, { ...good, principal: "User:s-ffffffffffff.billing" }))).toBe(403);
    expect(status(() => checkAcl(alice, { ...good, principal: "User:ANONYMOUS" }))).toBe(403);
    expect(status(() => checkAcl(alice, { ...good, principal: "Group:billing" }))).toBe(403);
    expect(status(() => checkAcl(single, { ...good, principal: "User:ANONYMOUS" }))).toBe(403);
    expect(status(() => checkAcl(alice, { ...good, resourceType: "cluster" }))).toBe(400);
    expect(status(() => checkAcl(alice, { ...good, operation: "cluster_action" }))).toBe(400);
    expect(status(() => checkAcl(alice, { ...good, permission: "maybe" }))).toBe(400);
    expect(status(() => checkAcl(alice, { ...good, name: "../x y" }))).toBe(400);
  });
});
