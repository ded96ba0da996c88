/**
 * kafkajs rejects a whole Metadata response when any one partition in it reports an error. The runner asks for
 * every topic in the cluster, so a single partition without a leader (a replication-factor-1 topic whose broker a
 * learner stopped) would blind the cluster view, the ACL grants and the janitor for the whole class. A leaderless
 * partition is a fact to show (leader -1), not a failure: this module makes the runner's kafkajs keep
 * partition-level errors in the data and still throw on topic-level ones, but one: a topic the broker does not
 * know (UNKNOWN_TOPIC_OR_PARTITION) is left out of the data. A long-lived kafkajs client keeps asking for every
 * topic it ever looked at, and in a class topics are deleted all the time (each freshTopic deletes one), so one
 * deleted topic would otherwise fail every later request of the cluster view.
 *
 * It patches the shared parser once, before the first Metadata request is decoded (kafkajs loads its versioned
 * response modules lazily, and every version up to v6 delegates to this parser). It runs in the runner process
 * only; learners' snippets see stock kafkajs behaviour.
 */
import { createRequire } from "node:module";

interface TopicMetadata {
  topicErrorCode: number;
  partitionMetadata: { partitionErrorCode: number }[];
}

const require = createRequire(import.meta.url);
const UNKNOWN_TOPIC_OR_PARTITION = 3;
interface MetadataParser {
  parse: (data: { topicMetadata: TopicMetadata[] }) => Promise<unknown>;
  __offsetTolerant?: true;
}
const v0 = require("kafkajs/src/protocol/requests/metadata/v0/response.js") as MetadataParser;

if (!v0.__offsetTolerant) {
  const strict = v0.parse;
  v0.parse = async (data) => {
    const known = { ...data, topicMetadata: data.topicMetadata.filter((t) => t.topicErrorCode !== UNKNOWN_TOPIC_OR_PARTITION) };
    return strict({
      ...known,
      topicMetadata: known.topicMetadata.map((t) => ({
        ...t,
        partitionMetadata: t.partitionMetadata.map((p) => ({ ...p, partitionErrorCode: 0 })),
      })),
    }).then(() => known);
  };
  v0.__offsetTolerant = true;
}

export {};
