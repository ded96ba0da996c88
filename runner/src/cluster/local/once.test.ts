import { describe, expect, it } from "vitest";
import { sharedOnce } from "./once.ts";

describe("sharedOnce", () => {
  it("prepares once for callers that wait together, and each hears the progress", async () => {
    let calls = 0;
    let release!: () => void;
    const once = sharedOnce(async (progress) => {
      calls++;
      progress("fetching");
      await new Promise<void>((resolve) => (release = resolve));
      progress("done");
      return calls;
    });
    const heard: string[][] = [[], []];
    const first = once((line) => heard[0]!.push(line));
    const second = once((line) => heard[1]!.push(line));
    release();
    expect(await Promise.all([first, second])).toEqual([1, 1]);
    expect(calls).toBe(1);
    expect(heard[0]).toEqual(["fetching", "done"]);
    // The second caller joined after the first line had gone out; it hears what came after.
    expect(heard[1]).toEqual(["done"]);
    expect(await once()).toBe(1);
  });

  it("forgets a failure, so the next call tries again", async () => {
    let calls = 0;
    const once = sharedOnce(() => {
      calls++;
      return calls === 1 ? Promise.reject(new Error("offline")) : Promise.resolve("ready");
    });
    await expect(once()).rejects.toThrow("offline");
    expect(await once()).toBe("ready");
    expect(calls).toBe(2);
  });
});
