// Check: the "dashboard" group saw the 5 new clicks and none of the 10 old ones.
import { readTopic, topic } from "lab";

const fail = (reason: string): never => {
  console.log(reason);
  process.exit(1);
};
const seen = topic("dashboard-seen");

const values = (await readTopic(seen).catch(() => [])).map((r) => r.value ?? "");
if (values.length === 0) fail("The dashboard group read nothing at all.");

const old = values.filter((v) => v.startsWith("old")).length;
const fresh = values.filter((v) => v.startsWith("new")).length;
if (old > 0) fail(`The dashboard group read ${old} old clicks from the backlog; it should start at the end of the topic.`);
if (fresh < 5) fail(`The dashboard group read ${fresh} of the 5 new clicks.`);
console.log("The dashboard group skipped the backlog and read all 5 new clicks.");
