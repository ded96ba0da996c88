// Reads invoices, billing-log and invoices-rebilled from the cluster. The invoices' own timestamps say which ones
// the second pass had to re-bill; billing-log says which records the billing group actually read in that pass, so
// a group that re-read everything and skipped the old invoices in code is told apart from one rewound by time.
import { readTopic, topic } from "lab";

function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

const invoices = await readTopic(topic("invoices"));
const log = (await readTopic(topic("billing-log"))).map(
  (r) => JSON.parse(String(r.value)) as { pass: number; partition: number; offset: number },
);
const rebilled = (await readTopic(topic("invoices-rebilled"))).map((r) => (JSON.parse(String(r.value)) as { invoice: string }).invoice);

const source = invoices.map((r) => ({
  ...(JSON.parse(String(r.value)) as { invoice: string }),
  partition: r.partition,
  offset: r.offset,
  timestamp: r.timestamp,
}));
const deploy = source.find((r) => r.invoice === "inv-6")?.timestamp;
if (source.length !== 12 || deploy === undefined) fail("invoices does not hold the twelve invoices; run the whole program.");
const at = (r: { partition: number; offset: number }) => `${r.partition}@${r.offset}`;
/** Sorts invoice ids by their number: inv-2 before inv-10. */
const byNumber = (ids: string[]) => ids.slice().sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
const byPosition = new Map(source.map((r) => [at(r), r]));
const wanted = source.filter((r) => r.timestamp >= deploy);

const firstPass = log.filter((e) => e.pass === 1);
const secondPass = log.filter((e) => e.pass === 2);
if (firstPass.length < 12)
  fail(`billing-log shows ${firstPass.length} invoices read in the first pass, not 12. Keep runBilling and the first pass as they are.`);

// What was billed again: exactly the invoices stamped at or after the deploy, each once.
const wantedIds = byNumber(wanted.map((r) => r.invoice));
const extra = byNumber([...new Set(rebilled.filter((i) => !wantedIds.includes(i)))]);
const missing = wantedIds.filter((i) => !rebilled.includes(i));
if (extra.length)
  fail(
    `${extra.join(", ")} ${extra.length === 1 ? "was" : "were"} billed again although ${extra.length === 1 ? "it predates" : "they predate"} the bug.`,
  );
if (missing.length)
  fail(
    `${missing.join(", ")} ${missing.length === 1 ? "was" : "were"} not billed again. Every invoice stamped at or after the deploy must be, in every partition.`,
  );
if (rebilled.length !== wantedIds.length) fail(`some invoices were billed again more than once: [${byNumber(rebilled).join(", ")}].`);

// Where the group read from: a rewind by time means the second pass never fetched an invoice from before the deploy.
if (secondPass.length === 0) fail("billing-log has no record of the second pass. Keep runBilling as it is: it logs what the group reads.");
const early = secondPass.map((e) => byPosition.get(at(e))).filter((r) => r !== undefined && r.timestamp < deploy);
if (early.length)
  fail(
    `the second pass read ${secondPass.length} invoices, including ${early.length} from before the deploy (${byNumber(early.map((r) => r!.invoice)).join(", ")}), and only skipped them in code. ` +
      "Rewind the group's committed offsets to the deploy time instead, so it never reads them: a real service would have re-run its side effects for those.",
  );
const read = new Set(secondPass.map(at));
if (wanted.some((r) => !read.has(at(r))) || secondPass.length !== wanted.length)
  fail(
    `the second pass read ${secondPass.length} invoices; a group rewound to the deploy time reads exactly the ${wanted.length} stamped from then on.`,
  );
console.log(
  `✓ The billing group was rewound to the deploy time: its second pass read and re-billed exactly the ${wanted.length} invoices stamped at or after it, and none before.`,
);
