import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { Sessions } from "./index.ts";

describe("session scoping", () => {
  it("uses plain names for a single learner", () => {
    const sessions = new Sessions("single", "secret");
    expect(sessions.prefix("0123456789abcdef")).toBe("");
    expect(sessions.visibleTo("0123456789abcdef")("orders")).toBe(true);
  });

  it("gives each classroom session a stable prefix that does not reveal its cookie", () => {
    const sessions = new Sessions("classroom", "secret");
    const prefix = sessions.prefix("0123456789abcdef");
    expect(prefix).toMatch(/^s-[0-9a-f]{12}$/);
    expect(prefix).not.toContain("0123456789abcdef");
    expect(sessions.prefix("0123456789abcdef")).toBe(prefix);
    expect(sessions.prefix("fedcba9876543210")).not.toBe(prefix);
    expect(new Sessions("classroom", "other secret").prefix("0123456789abcdef")).not.toBe(prefix);
  });

  it("shows a classroom learner only their own names", () => {
    const sessions = new Sessions("classroom", "secret");
    const visible = sessions.visibleTo("0123456789abcdef");
    expect(visible(`${sessions.prefix("0123456789abcdef")}.orders`)).toBe(true);
    expect(visible(`${sessions.prefix("fedcba9876543210")}.orders`)).toBe(false);
    expect(visible("orders")).toBe(false);
  });

  it("derives the login the broker's callback handler expects: hex HMAC-SHA256(secret, username)", () => {
    const sessions = new Sessions("classroom", "secret");
    const { username, password } = sessions.credentials("s-abc");
    expect(username).toBe("s-abc");
    expect(password).toBe(crypto.createHmac("sha256", "secret").update("s-abc").digest("hex"));
  });
});
