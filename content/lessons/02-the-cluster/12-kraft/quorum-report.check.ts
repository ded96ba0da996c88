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
if (report.get("active-controller") !== String(quorum.leaderId)) {
  fail(`The report names controller ${report.get("active-controller")}, but the quorum's leader is node ${quorum.leaderId}.`);
}
if (report.get("voters") !== expectedVoters) {
  fail(`The report lists voters "${report.get("voters") ?? ""}", but the quorum's voters are ${expectedVoters}.`);
}
console.log(`Correct: node ${quorum.leaderId} is the active controller, and the voters are ${expectedVoters}.`);
