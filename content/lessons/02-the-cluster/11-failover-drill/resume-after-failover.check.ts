// Check: the consumer crashed while applying its 31st entry. Acting as its replacement, compare where the group
// would resume in each partition with how many entries of that partition were really applied before the crash.
import { groupId, kafka, readTopic, topic } from "lab";

const ledger = topic("ledger");
const applied = topic("ledger-applied");
const admin = kafka.admin();
await admin.connect();

function fail(reason: string): never {
  console.log(reason);
  process.exit(1);
}

const topics = await admin.listTopics();
if (!topics.includes(ledger) || !topics.includes(applied))
  fail(`The topics "ledger" and "ledger-applied" are missing; run your code first.`);

// The setup must be the starter's: 60 entries, "entry 0" to "entry 59".
const entries = await readTopic(ledger);
const where = new Map(entries.map((r) => [r.value, r]));
const expected = Array.from({ length: 60 }, (_, i) => `entry ${i}`);
if (entries.length !== 60 || expected.some((e) => !where.has(e))) {
  fail(`"ledger" should hold the starter's 60 entries ("entry 0" to "entry 59"); it holds ${entries.length} records. Keep the setup.`);
}

// The effects: exactly the 30 entries applied before the crash.
const effects = (await readTopic(applied)).map((r) => r.value ?? "");
if (effects.length === 60)
  fail("All 60 entries were applied: the crash in apply() is part of the exercise. Keep apply() as the starter has it.");
if (effects.length !== 30 || new Set(effects).size !== 30) {
  fail(
    `Expected 30 different entries applied before the crash, found ${effects.length}. Keep apply() and the setup as the starter has them.`,
  );
}
const appliedIn = new Map<number, number[]>();
for (const effect of effects) {
  const source = where.get(effect);
  if (!source) fail(`"ledger-applied" holds "${effect}", which is not a ledger entry.`);
  appliedIn.set(source.partition, [...(appliedIn.get(source.partition) ?? []), source.offset]);
}

const [committed] = await admin.fetchOffsets({ groupId: groupId("ledger-readers"), topics: [ledger] });
const ends = await admin.fetchTopicOffsets(ledger);
await admin.disconnect();
const committedIn = new Map(committed!.partitions.map((p) => [p.partition, Number(p.offset)]));

const summary: string[] = [];
for (const { partition } of ends.sort((a, b) => a.partition - b.partition)) {
  const offsets = (appliedIn.get(partition) ?? []).sort((a, b) => a - b);
  const count = offsets.length; // applied in offset order from 0, so offsets are 0 … count - 1
  const commit = committedIn.get(partition) ?? -1;
  // With nothing committed, this group's replacement starts from the beginning (fromBeginning: true).
  const resume = commit < 0 ? 0 : commit;
  const whatWasApplied = count ? `the entries at offsets 0–${count - 1} were applied` : "no entry was applied yet";
  if (resume < count) {
    const redo = count - resume;
    const advice =
      commit < 0
        ? [...committedIn.values()].some((o) => o >= 0)
          ? "Nothing was committed for it, though other partitions have commits: committing only after a whole batch (as kafkajs's autoCommit does) misses a crash in the middle of one."
          : "Nothing was committed for it."
        : resume === count - 1
          ? "Commit the offset of the NEXT record (message.offset + 1), not the one you just applied."
          : "Commit after each entry, not only now and then.";
    fail(
      `Partition ${partition}: ${whatWasApplied}, but the group would resume at offset ${resume}, so a replacement would apply ${redo} entr${redo === 1 ? "y" : "ies"} a second time. ${advice}`,
    );
  }
  if (resume > count) {
    fail(
      `Partition ${partition}: ${whatWasApplied}, but the group committed offset ${commit}, so a replacement would never apply the entry at offset ${count}: it was committed before it was processed. Commit after applying, not before.`,
    );
  }
  summary.push(`partition ${partition}: ${count}`);
}
console.log(
  `After the crash, the committed offsets match the 30 applied entries exactly (${summary.join(", ")}): a replacement resumes with nothing to redo and nothing skipped.`,
);
