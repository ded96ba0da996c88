/**
 * `npm test`: everything, in order, against real parts.
 *   0. check that every test port is free (else stop at once, naming who holds it);
 *   1. type-check the runner, the site (astro check) and every lesson snippet, lint and format-check;  2. build the site;  3. unit tests;
 *   4. start the course exactly as `npm start` does, on test ports (its own 3-node cluster and companion services,
 *      classroom mode, fault injection on);  5. integration, sandbox and hostile tests against it;  6. the lesson checks and
 *      learner-experience specs in Chromium through `check:lessons --base-url`;  7. stop it and prove that no
 *      Kafka JVM and no companion-service process is left;  8. the benchmark smoke run (its own cluster and runner), which must take every measurement.
 * The last line is "N passed, N failed".
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { postgresDataRoot } from "../runner/src/services/postgres/index.ts";
import { servicePorts } from "../runner/src/services/ports.ts";
import { checkLessons } from "./check-lessons.ts";
import { describeTaken, kafkaJvms, kafkaPorts, processesMarkedBy, servicePortUses, takenPorts } from "./ports.ts";

const root = path.resolve(import.meta.dirname, "..");
const TEST_PORT = Number(process.env.OFFSET_TEST_PORT ?? 4399);
// Below the kernel's ephemeral range (32768+), so an outgoing connection never holds a broker's port.
const TEST_KAFKA_PORT = Number(process.env.OFFSET_TEST_KAFKA_PORT ?? 24092);
// The course's companion services (ZooKeeper-mode Kafka, RabbitMQ) count their ports from here.
const TEST_SERVICES_PORT = Number(process.env.OFFSET_TEST_SERVICES_PORT ?? 26100);
const home = process.env.OFFSET_HOME ?? path.join(os.homedir(), ".cache", "offset");
/** The test course's services folder (runner/src/services/index.ts servicesDir). */
const testServicesDir = path.join(home, `services-${TEST_SERVICES_PORT}`);
const baseUrl = `http://127.0.0.1:${TEST_PORT}`;
const totals = { passed: 0, failed: 0 };
const failures: string[] = [];

function step(title: string): void {
  console.log(`\n━━ ${title} ━━`);
}

function record(name: string, ok: boolean, passed: number, failed: number): void {
  totals.passed += passed;
  totals.failed += failed + (ok || failed > 0 ? 0 : 1);
  if (!ok) failures.push(name);
}

function run(command: string, args: string[], env: Record<string, string> = {}): { ok: boolean; output: string } {
  const result = spawnSync(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
  const output = `${result.stdout}${result.stderr}`;
  process.stdout.write(output);
  return { ok: result.status === 0, output };
}

/** Reads vitest's "Tests  N passed | M failed" line. */
function vitestCounts(output: string): { passed: number; failed: number } {
  const clean = output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "");
  const line = /Tests\s+(.*)\(\d+\)/.exec(clean)?.[1] ?? "";
  return { passed: Number(/(\d+) passed/.exec(line)?.[1] ?? 0), failed: Number(/(\d+) failed/.exec(line)?.[1] ?? 0) };
}

function vitest(name: string, project: string, env: Record<string, string> = {}): void {
  step(name);
  const { ok, output } = run(process.execPath, [path.join(root, "node_modules/vitest/vitest.mjs"), "run", "--project", project], env);
  const counts = vitestCounts(output);
  record(name, ok, counts.passed, counts.failed);
}

/** Starts the course as `npm start` does, on the test ports, and resolves once it serves. */
async function startCourse(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, "runner/src/cli/start.ts")], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(TEST_PORT),
      KAFKA_PORT: String(TEST_KAFKA_PORT),
      SERVICES_PORT: String(TEST_SERVICES_PORT),
      COURSE_MODE: "classroom",
      FAULT_INJECTION: "on",
      // Budgets the share tests reach in seconds (runner/test/integration/share.test.ts); no lesson comes near them.
      LIMIT_SESSION_PARTITIONS: "60",
      LIMIT_SESSION_DISK_MB: "64",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => process.stdout.write(chunk));
  child.stderr.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The course exited while starting (code ${child.exitCode}).`);
    const ok = await fetch(`${baseUrl}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("The course did not start within 10 minutes.");
}

async function stopCourse(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGINT");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 60_000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

/** Kafka JVMs still running with a properties file from the test cluster's folder. */
function leftoverJvms(): number[] {
  return kafkaJvms(`cluster-${TEST_KAFKA_PORT}/`);
}

/** Companion-service processes (JVMs, RabbitMQ's beam and epmd) of the test course still running. */
function leftoverServices(): number[] {
  return processesMarkedBy(`${testServicesDir}/`);
}

/**
 * Every port the course and its cluster will listen on must be free: otherwise the course fails to bind and the
 * tests run against whatever answers there. Kafka JVMs of this test cluster left by an interrupted run may hold
 * theirs: the start reclaims them (pid files). Anything else stops `npm test` here, before it starts anything.
 */
async function requireFreePorts(): Promise<void> {
  const leftovers = new Set([...leftoverJvms(), ...leftoverServices()]);
  const uses = [
    { port: TEST_PORT, role: "the course under test, OFFSET_TEST_PORT" },
    ...kafkaPorts(TEST_KAFKA_PORT, "OFFSET_TEST_KAFKA_PORT"),
    ...servicePortUses(TEST_SERVICES_PORT, "OFFSET_TEST_SERVICES_PORT"),
  ];
  const taken = await takenPorts(uses, (holder) => leftovers.has(holder.pid));
  if (taken.length === 0) return;
  console.error(`\n${describeTaken(taken, "npm test", "OFFSET_TEST_PORT / OFFSET_TEST_KAFKA_PORT / OFFSET_TEST_SERVICES_PORT")}`);
  record("test ports free", false, 0, 0);
  finish();
}

function finish(): never {
  if (failures.length) console.log(`\nFailed: ${failures.join("; ")}`);
  console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
  process.exit(failures.length ? 1 : 0);
}

/** Every run starts from an empty test cluster, so topics left by an earlier run cannot change the results. */
function freshTestCluster(): void {
  if (leftoverJvms().length) return; // still running from an interrupted run: the start reclaims it
  fs.rmSync(path.join(home, `cluster-${TEST_KAFKA_PORT}`), { recursive: true, force: true });
  // The services' data too (queues, ZooKeeper-mode topics), unless an interrupted run's processes still use it:
  // the course's start stops those first (their owner is gone), and the next run starts clean.
  if (!leftoverServices().length) {
    fs.rmSync(testServicesDir, { recursive: true, force: true });
    // PostgreSQL keeps its data outside the services folder (its own user must reach it).
    fs.rmSync(postgresDataRoot(servicePorts(TEST_SERVICES_PORT).postgres), { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  step(
    `Test ports free on 127.0.0.1 (${TEST_PORT}; Kafka ${TEST_KAFKA_PORT}…${TEST_KAFKA_PORT + 2}, +100, +200, +300; services ${TEST_SERVICES_PORT}…${TEST_SERVICES_PORT + 30})`,
  );
  await requireFreePorts();
  console.log("All free.");

  step("Type-check (runner, site scripts, lesson snippets)");
  // A fresh clone has no .astro/ yet: generate the content collections' and virtual modules' types first.
  const sync = run(process.execPath, [path.join(root, "node_modules/astro/bin/astro.mjs"), "sync"]);
  record("astro sync", sync.ok, sync.ok ? 1 : 0, 0);
  for (const project of ["tsconfig.json", "tsconfig.content.json"]) {
    const typecheck = run(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", project]);
    record(`typecheck (${project})`, typecheck.ok, typecheck.ok ? 1 : 0, 0);
  }

  // The gates a reviewer would otherwise run by hand: the site's own type-check, the linter and the formatter.
  const astroCheck = run(process.execPath, [
    path.join(root, "node_modules/astro/bin/astro.mjs"),
    "check",
    "--tsconfig",
    "tsconfig.site.json",
  ]);
  record("astro check (site)", astroCheck.ok, astroCheck.ok ? 1 : 0, 0);
  step("Lint and format");
  const lint = run(process.execPath, [path.join(root, "node_modules/eslint/bin/eslint.js"), "."]);
  record("eslint", lint.ok, lint.ok ? 1 : 0, 0);
  const format = run(process.execPath, [path.join(root, "node_modules/prettier/bin/prettier.cjs"), "--check", "."]);
  record("prettier --check", format.ok, format.ok ? 1 : 0, 0);

  step("Build the site");
  const build = run(process.execPath, [path.join(root, "node_modules/astro/bin/astro.mjs"), "build", "--silent"]);
  record("site build", build.ok, build.ok ? 1 : 0, 0);

  vitest("Unit tests", "unit");

  step(`Start the course on ${baseUrl} (Kafka on ${TEST_KAFKA_PORT}…${TEST_KAFKA_PORT + 2})`);
  // Again: the build and the unit tests took minutes, and something may have taken a port meanwhile.
  await requireFreePorts();
  freshTestCluster();
  let course: ChildProcess | undefined;
  try {
    course = await startCourse();
    vitest("Integration, sandbox and hostile tests (real cluster)", "integration", {
      OFFSET_TEST_URL: baseUrl,
      OFFSET_TEST_KAFKA_PORT: String(TEST_KAFKA_PORT),
      OFFSET_TEST_SERVICES_PORT: String(TEST_SERVICES_PORT),
    });

    step("Lesson checks and learner-experience specs (Chromium, via check:lessons --base-url)");
    const result = await checkLessons({ baseUrl, projects: ["lessons", "ux", "faults"], workers: 2 });
    console.log(`\n${result.table}`);
    record("lesson checks", result.exitCode === 0 && result.failed === 0, result.passed, result.failed + result.flaky);
  } catch (error) {
    console.error((error as Error).message);
    record("course start", false, 0, 0);
  } finally {
    step("Stop the course");
    if (course) await stopCourse(course);
    const left = leftoverJvms();
    record("no Kafka JVM left behind", left.length === 0, left.length === 0 ? 1 : 0, 0);
    if (left.length) console.error(`Kafka JVMs still running: ${left.join(", ")}`);
    else console.log("No Kafka JVM is left running.");
    const leftServices = leftoverServices();
    record("no companion-service process left behind", leftServices.length === 0, leftServices.length === 0 ? 1 : 0, 0);
    if (leftServices.length) console.error(`Companion-service processes still running: ${leftServices.join(", ")}`);
    else console.log("No companion-service process is left running.");
  }

  // The benchmarks report rather than judge, but they must keep working: the smoke run takes every measurement
  // once on its own cluster and runner, and fails only when a measurement could not be taken at all.
  step("Benchmark smoke run (npm run bench:smoke)");
  const bench = run(process.execPath, [path.join(root, "bench/run.ts"), "--smoke"]);
  record("benchmark smoke run", bench.ok, bench.ok ? 1 : 0, 0);

  finish();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
