import { describe, expect, it } from "vitest";
import { parseRunEvent, runRequestSchema } from "./index.ts";

describe("run protocol", () => {
  it("accepts a TypeScript run request", () => {
    expect(runRequestSchema.safeParse({ code: "console.log(1)", lang: "ts" }).success).toBe(true);
  });

  it("accepts a shell run request", () => {
    expect(runRequestSchema.safeParse({ code: 'kafka-topics.sh --bootstrap-server "$LAB_BOOTSTRAP" --list', lang: "sh" }).success).toBe(
      true,
    );
    expect(runRequestSchema.safeParse({ code: "import confluent_kafka", lang: "py" }).success).toBe(true);
  });

  it("explains what is wrong with a bad request", () => {
    const result = runRequestSchema.safeParse({ code: "", lang: "rb" });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => i.message).join("\n");
    expect(messages).toMatch(/empty/);
    expect(messages).toMatch(/use "ts" \(TypeScript\), "sh" \(.*\) or "py" \(Python 3\)/);
  });

  it("validates events and ignores unknown ones", () => {
    expect(parseRunEvent("stdout", JSON.stringify({ text: "hi\n" }))).toEqual({ event: "stdout", data: { text: "hi\n" } });
    expect(parseRunEvent("end", JSON.stringify({ exitCode: 0, durationMs: 12, reason: "ok" }))?.event).toBe("end");
    expect(parseRunEvent("end", JSON.stringify({ exitCode: 0, durationMs: 12, reason: "exploded" }))).toBeUndefined();
    expect(parseRunEvent("telemetry", "{}")).toBeUndefined();
  });
});
