import { describe, expect, it } from "vitest";
import { parseStreamsLine, wordCountArgs } from "./streams.ts";

describe("wordCountArgs", () => {
  const full = (name: string) => `s-0123456789ab.${name}`;

  it("passes the session's names and only the options given", () => {
    expect(wordCountArgs({ input: "lines", output: "counts", applicationId: "word-count" }, full)).toEqual([
      ...["--application-id", "s-0123456789ab.word-count"],
      ...["--input", "s-0123456789ab.lines", "--output", "s-0123456789ab.counts"],
    ]);
  });

  it("spells every option as the Java tool reads it", () => {
    expect(wordCountArgs({ input: "i", output: "o", applicationId: "a", commitIntervalMs: 0, reset: true })).toEqual([
      ...["--application-id", "a", "--input", "i", "--output", "o", "--commit-interval-ms", "0", "--reset", "true"],
    ]);
    expect(wordCountArgs({ input: "i", output: "o", applicationId: "a", reset: false })).not.toContain("--reset");
  });

  it("refuses what the tool would refuse, before starting a JVM", () => {
    expect(() => wordCountArgs({ input: "", output: "o", applicationId: "a" })).toThrow(/input is required/);
    expect(() => wordCountArgs({ input: "i", output: "o", applicationId: "a", commitIntervalMs: -1 })).toThrow(RangeError);
    expect(() => wordCountArgs({ input: "i", output: "o", applicationId: "a", commitIntervalMs: 1.5 })).toThrow(/commitIntervalMs/);
  });
});

describe("parseStreamsLine", () => {
  it("reads the topology and its internal topics", () => {
    const line = JSON.stringify({
      topology: "Topologies:\n   Sub-topology: 0\n",
      subtopologies: 2,
      stores: ["KSTREAM-AGGREGATE-STATE-STORE-0000000003"],
      repartition: ["s.wc-KSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition"],
      changelog: ["s.wc-KSTREAM-AGGREGATE-STATE-STORE-0000000003-changelog"],
    });
    expect(parseStreamsLine(line)).toEqual({
      kind: "topology",
      topology: {
        text: "Topologies:\n   Sub-topology: 0\n",
        subtopologies: 2,
        stores: ["KSTREAM-AGGREGATE-STATE-STORE-0000000003"],
        repartition: ["s.wc-KSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition"],
        changelog: ["s.wc-KSTREAM-AGGREGATE-STATE-STORE-0000000003-changelog"],
      },
    });
  });

  it("reads state changes, tasks, readiness and the close", () => {
    expect(parseStreamsLine('{"state":"RUNNING","previous":"REBALANCING","ms":3400}')).toEqual({
      kind: "state",
      change: { state: "RUNNING", previous: "REBALANCING", ms: 3400 },
    });
    expect(parseStreamsLine('{"tasks":[{"id":"0_0","partitions":["s.lines-0"]},{"id":"1_2","partitions":[]}]}')).toEqual({
      kind: "tasks",
      tasks: [
        { id: "0_0", partitions: ["s.lines-0"] },
        { id: "1_2", partitions: [] },
      ],
    });
    expect(parseStreamsLine('{"ready":true,"ms":3500}')).toEqual({ kind: "ready", ms: 3500 });
    expect(parseStreamsLine('{"closed":true,"ms":600}')).toEqual({ kind: "closed", ms: 600 });
    expect(parseStreamsLine('{"reset":true,"deleted":["s.wc-X-changelog"]}')).toEqual({ kind: "reset", deleted: ["s.wc-X-changelog"] });
  });

  it("reads restores from the changelog", () => {
    expect(parseStreamsLine('{"restore":"start","store":"S","topic":"s.wc-S-changelog","partition":1,"from":0,"to":8,"ms":2100}')).toEqual({
      kind: "restore-start",
      restore: { store: "S", topic: "s.wc-S-changelog", partition: 1, from: 0, to: 8 },
    });
    expect(parseStreamsLine('{"restore":"end","store":"S","topic":"s.wc-S-changelog","partition":1,"restored":6,"ms":2300}')).toEqual({
      kind: "restore-end",
      store: "S",
      topic: "s.wc-S-changelog",
      partition: 1,
      restored: 6,
    });
  });

  it("reads transactions and errors", () => {
    const line =
      '{"transactions":[{"id":"s.wc-1e8aead7-2b62-4bae-9c16-d6832e271b0e-1","state":"Ongoing","producerId":7,"producerEpoch":3,"timeoutMs":10000,"partitions":["s.counts-0"]}]}';
    expect(parseStreamsLine(line)).toEqual({
      kind: "transactions",
      transactions: [
        {
          id: "s.wc-1e8aead7-2b62-4bae-9c16-d6832e271b0e-1",
          state: "Ongoing",
          producerId: 7,
          producerEpoch: 3,
          timeoutMs: 10000,
          partitions: ["s.counts-0"],
        },
      ],
    });
    expect(parseStreamsLine('{"error":"TopicAuthorizationException: Not authorized"}')).toEqual({
      kind: "error",
      error: "TopicAuthorizationException: Not authorized",
    });
  });

  it("ignores anything else", () => {
    expect(parseStreamsLine("SLF4J: Defaulting to no-operation (NOP) logger implementation")).toBeUndefined();
    expect(parseStreamsLine("[1,2]")).toBeUndefined();
    expect(parseStreamsLine('{"restore":"maybe","store":"S","topic":"t"}')).toBeUndefined();
    expect(parseStreamsLine("null")).toBeUndefined();
    expect(parseStreamsLine("")).toBeUndefined();
  });
});
