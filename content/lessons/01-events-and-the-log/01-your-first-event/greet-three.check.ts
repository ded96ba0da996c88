// Check: topic "greetings" holds a record keyed by each name whose value is "hello, <name>".
import { readTopic, topic } from "lab";

const records = await readTopic(topic("greetings")).catch(() => []);
const fail = (reason: string) => {
  console.log(reason);
  process.exit(1);
};

if (records.length === 0) fail('Topic "greetings" is empty: no record reached the brokers. Did you call producer.send?');
if (records.every((r) => r.key === null)) {
  fail(`"greetings" holds ${records.length} records, but none has a key: give each message key: name as well as a value.`);
}
for (const person of ["ada", "grace", "linus"]) {
  const found = records.find((r) => r.key === person);
  const keys = records.map((r) => (r.key === null ? "(no key)" : `"${r.key}"`)).join(", ");
  if (!found) fail(`No record with key "${person}" in "greetings" (found keys: ${keys}).`);
  if (found!.value !== `hello, ${person}`)
    fail(`The record keyed "${person}" has value "${found!.value ?? ""}", expected "hello, ${person}".`);
}
console.log(`"greetings" holds ${records.length} records, one greeting for each person.`);
