/**
 * How an `sh` snippet runs: the runner wraps the learner's script in a module that calls `runShell`, inside the
 * same sandbox and under the same network rule as TypeScript. bash runs it with Kafka's command-line tools on
 * PATH (the engine mounts them for `sh` runs only) and these variables:
 *   LAB_BOOTSTRAP      the course cluster's bootstrap servers, as this run reaches them;
 *   LAB_CLIENT_CONFIG  a client properties file: the session's login in classroom mode (the tools get it by
 *                      themselves), empty when one learner has the cluster to themselves;
 *   LAB_PREFIX         what this session's topic and group names start with ("" for a single learner).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runToExit } from "./child.ts";

const env = typeof process === "object" ? process.env : {};

/** The client properties a Kafka tool needs to log in as this session (none without a login). */
export function clientProperties(username: string | undefined, password: string | undefined): string {
  if (!username) return "";
  const quote = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return [
    "security.protocol=SASL_PLAINTEXT",
    "sasl.mechanism=PLAIN",
    `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${quote(username)}" password="${quote(password ?? "")}";`,
    "",
  ].join("\n");
}

/** Runs `script` with bash (errexit and pipefail on) and ends the run with its exit status. */
export async function runShell(script: string): Promise<void> {
  const config = path.join(env.TMPDIR ?? os.tmpdir(), "lab-client.properties");
  fs.writeFileSync(config, clientProperties(env.LAB_SASL_USERNAME, env.LAB_SASL_PASSWORD), { mode: 0o600 });
  const bin = env.LAB_KAFKA_BIN;
  if (!bin)
    console.error(
      `[offset] The Kafka command-line tools are not available to this run${env.LAB_KAFKA_CLI_UNAVAILABLE ? `: ${env.LAB_KAFKA_CLI_UNAVAILABLE}` : "."}`,
    );
  await runToExit("/bin/bash", ["-e", "-o", "pipefail", "-c", script, "snippet.sh"], {
    ...env,
    PATH: bin ? `${bin}:${env.PATH ?? "/usr/bin:/bin"}` : env.PATH,
    LAB_BOOTSTRAP: env.LAB_BROKERS ?? "",
    LAB_CLIENT_CONFIG: config,
    LAB_PREFIX: env.LAB_SESSION ? `${env.LAB_SESSION}.` : "",
  });
}
