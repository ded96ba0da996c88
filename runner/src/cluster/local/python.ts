/**
 * Python for `py` snippets: Debian's python3 (under /usr, so every sandbox already has it read-only) and the
 * clients pinned in runner/python/requirements.txt, installed once with pip into OFFSET_HOME/python-<hash>.
 * The `lab` module for Python (runner/python/lab.py) sits beside the requirements and is mounted with them.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Progress } from "../types.ts";
import { sharedOnce } from "./once.ts";

export const pythonSourceDir = path.resolve(import.meta.dirname, "..", "..", "..", "python");
const requirementsPath = path.join(pythonSourceDir, "requirements.txt");

export interface LabPython {
  /** The interpreter, the same path inside a sandbox (it lives under /usr). */
  python: string;
  /** The installed packages (pip --target). */
  site: string;
  /** The folder holding lab.py. */
  lab: string;
}

/** The interpreter `py` runs use: Debian's, not one from a version manager on PATH (a sandbox sees only /usr). */
export const PYTHON = "/usr/bin/python3";

/** The packages' folder: named by the requirements and the interpreter, so a change to either installs afresh. */
export function pythonSiteHome(home: string, requirements: string, version: string): string {
  const hash = crypto.createHash("sha256").update(requirements).update(version).digest("hex").slice(0, 12);
  return path.join(home, `python-${hash}`);
}

/** Installs the packages (first time only, with progress) and returns where everything is. */
export async function ensurePython(home: string, progress: Progress = () => {}, python = PYTHON): Promise<LabPython> {
  if (!fs.existsSync(python)) throw new Error(`${python} is missing: install Python 3 (apt-get install python3 python3-pip)`);
  const version = (await output(python, ["-c", "import sys; print(sys.version)"])).trim();
  const requirements = fs.readFileSync(requirementsPath, "utf8");
  const site = pythonSiteHome(home, requirements, version);
  const lab = pythonSourceDir;
  if (fs.existsSync(path.join(site, ".complete"))) return { python, site, lab };
  const pins = requirements
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter(Boolean);
  progress(`Installing the Python clients from PyPI (first start only, about 35 MB): ${pins.join(", ")}…`);
  const partial = `${site}.${process.pid}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(site), { recursive: true });
  try {
    // --target installs beside the system's packages without touching them; wheels only, nothing compiled here.
    await output(python, [
      "-m",
      "pip",
      "install",
      "--quiet",
      "--disable-pip-version-check",
      "--no-input",
      "--only-binary=:all:",
      "--root-user-action=ignore",
      "--target",
      partial,
      "-r",
      requirementsPath,
    ]);
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    const message = (error as Error).message;
    if (/No module named pip/.test(message))
      throw new Error(`${python} has no pip: install it (apt-get install python3-pip)`, { cause: error });
    throw new Error(`pip could not install the Python clients: ${message}`, { cause: error });
  }
  fs.rmSync(site, { recursive: true, force: true });
  fs.renameSync(partial, site);
  fs.writeFileSync(path.join(site, ".complete"), `${pins.join("\n")}\n`);
  progress(`Python clients cached in ${site}`);
  return { python, site, lab };
}

/** `ensurePython`, done once and shared (see sharedOnce). */
export function pythonOnce(home: string): (progress?: Progress) => Promise<LabPython> {
  return sharedOnce((progress) => ensurePython(home, progress));
}

/** A command's stdout; rejects with the tail of its stderr when it fails. */
function output(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PIP_NO_CACHE_DIR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(stderr.trim().split("\n").slice(-5).join("\n") || `exit code ${code}`)),
    );
  });
}
