import { describeQuorum, kafka, readTopic, topic } from "lab";

const name = topic("quorum-report");
function fail(reason: string): never {
  console.log(reason);
  process.exit(1);
}

const admin = kafka.admin();
await admin.connect();
if (!(await admin.listTopics()).includes(name)) fail(`There is no topic "quorum-report"; run your code first.`);
await admin.disconnect();
const records = await readTopic(name);
if (records.length === 0) fail(`"quorum-report" is empty.`);

// Read the report back: the last value written for each key wins.
const report = new Map(records.map((r) => [String(r.key), String(r.value)]));

const quorum = await describeQuorum();
const expectedVoters = quorum.voters
  .map((v) => v.id)
  .sort((a, b) => a - b)
  .join(",");
const named = report.get("active-controller");
if (named === undefined || named === "-1")
  fail(`The report has no active controller yet: write its node id under the key "active-controller".`);
if (named !== String(quorum.leaderId)) {
  fail(
    `The report names controller ${named}, but the quorum's leader is node ${quorum.leaderId}. ` +
      "Ask the quorum (describeQuorum().leaderId): neither a guess nor DescribeCluster's controller field will do, since in KRaft that field names a random live broker and is right only by chance.",
  );
}
// The epoch is known only to the quorum, so a right epoch shows the report really came from DescribeQuorum.
const epoch = report.get("leader-epoch");
if (epoch !== String(quorum.leaderEpoch)) {
  fail(
    `The report gives leader epoch ${epoch ?? "(none)"}, but the quorum is in epoch ${quorum.leaderEpoch}. ` +
      "The epoch counts elections (describeQuorum().leaderEpoch); only the quorum knows it. (If a controller was stopped between your run and this check, run again.)",
  );
}
if (report.get("voters") !== expectedVoters) {
  fail(`The report lists voters "${report.get("voters") ?? ""}", but the quorum's voters are ${expectedVoters}.`);
}
console.log(
  `Correct: node ${quorum.leaderId} is the active controller in epoch ${quorum.leaderEpoch}, and the voters are ${expectedVoters}.`,
);
