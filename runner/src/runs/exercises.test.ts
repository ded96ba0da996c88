import { describe, expect, it } from "vitest";
import { exerciseCheckSource } from "./exercises.ts";

describe("exerciseCheckSource", () => {
  it("refuses ids that could walk the file system", async () => {
    expect(await exerciseCheckSource("../../etc/passwd")).toBeUndefined();
    expect(await exerciseCheckSource("your-first-event/../../x")).toBeUndefined();
  });

  it("returns undefined for an unknown exercise", async () => {
    expect(await exerciseCheckSource("your-first-event/no-such-exercise")).toBeUndefined();
  });
});
