/**
 * Stops the companion services an owner (npm start, npm test) started when that owner dies, however it dies
 * (even SIGKILL): the owner holds our stdin open, and the kernel closes it when the owner exits.
 * Usage: node guardian.ts <services dir> <owner pid>
 */
import fs from "node:fs";
import path from "node:path";
import { stopRecorded } from "./process.ts";

const dir = process.argv[2]!;
const owner = process.argv[3]!;
process.on("SIGINT", () => {}); // Ctrl+C is the owner's to handle; we act only when it is gone.
process.stdin.resume();
process.stdin.on("end", () => void cleanUp());
process.stdin.on("error", () => void cleanUp());

async function cleanUp(): Promise<void> {
  const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  await Promise.all(
    names.map(async (name) => {
      const ownerFile = path.join(dir, name, "owner");
      // Only what this owner started: a service brought up with `npm run services -- up` stays.
      if (!fs.existsSync(ownerFile) || fs.readFileSync(ownerFile, "utf8").trim() !== owner) return;
      await stopRecorded(path.join(dir, name));
      fs.rmSync(ownerFile, { force: true });
    }),
  );
  process.exit(0);
}
