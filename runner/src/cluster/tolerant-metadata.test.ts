import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import "./tolerant-metadata.ts";

const require = createRequire(import.meta.url);
const { parse } = require("kafkajs/src/protocol/requests/metadata/v6/response.js") as { parse: (data: unknown) => Promise<unknown> };

const topic = (topicErrorCode: number, partitionErrorCode: number) => ({
  topicErrorCode,
  topic: "t",
  partitionMetadata: [{ partitionErrorCode, partitionId: 0, leader: partitionErrorCode ? -1 : 1, replicas: [2], isr: [] }],
});

describe("the runner's Metadata parser", () => {
  it("keeps a leaderless partition as data instead of failing the whole response", async () => {
    const data = { brokers: [], topicMetadata: [topic(0, 0), topic(0, 5)] };
    await expect(parse(data)).resolves.toEqual(data);
  });

  it("still fails on a topic-level error", async () => {
    await expect(parse({ brokers: [], topicMetadata: [topic(29, 0)] })).rejects.toMatchObject({ type: "TOPIC_AUTHORIZATION_FAILED" });
  });

  it("leaves out a topic the broker no longer knows (deleted since the client last asked)", async () => {
    const gone = { ...topic(3, 0), topic: "gone" };
    await expect(parse({ brokers: [], topicMetadata: [topic(0, 0), gone] })).resolves.toEqual({
      brokers: [],
      topicMetadata: [topic(0, 0)],
    });
  });
});
