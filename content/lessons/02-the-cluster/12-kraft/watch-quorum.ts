import { describeQuorum, sleep } from "lab";

// Watches the controller quorum for 20 seconds. Stop the active controller's node in the panel and watch
// the remaining voters elect a new leader in a higher epoch. (Start it again afterwards.)
let last = "";
const started = Date.now();
while (Date.now() - started < 20_000) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(4);
  try {
    const q = await describeQuorum();
    const now = `active controller node ${q.leaderId}, epoch ${q.leaderEpoch}`;
    if (now !== last) console.log(`${seconds} s  ${now}${last ? "" : `  <- stop node ${q.leaderId} in the panel`}`);
    last = now;
  } catch (error) {
    console.log(`${seconds} s  no answer (${(error as Error).message}); a new election may be under way`);
  }
  await sleep(500);
}
console.log(`Done; last seen: ${last}`);
