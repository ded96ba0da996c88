import { describe, expect, it } from "vitest";
import { labSessionFor, visibleTo } from "./index.ts";

describe("session scoping", () => {
  it("uses plain names for a single learner", () => {
    expect(labSessionFor("single", "abc")).toBe("");
    expect(visibleTo("single", "abc")("orders")).toBe(true);
  });

  it("shows a classroom learner only their own names", () => {
    const visible = visibleTo("classroom", "0123456789abcdef");
    expect(labSessionFor("classroom", "0123456789abcdef")).toBe("s-0123456789abcdef");
    expect(visible("s-0123456789abcdef.orders")).toBe(true);
    expect(visible("s-fedcba9876543210.orders")).toBe(false);
    expect(visible("orders")).toBe(false);
  });
});
