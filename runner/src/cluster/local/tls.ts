/**
 * The course's own certificate authority and the brokers' TLS certificate, made once per cluster folder with the
 * JDK's keytool (which every machine that runs the local cluster has): a CA key pair, a broker key pair for
 * `localhost` and 127.0.0.1 signed by that CA, and the broker's PKCS12 keystore. Learners' clients trust the CA's
 * certificate (PEM), which the runner hands to the runs of lesson 21; nothing here leaves the cluster folder.
 */
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { ClusterError, type Progress } from "../types.ts";

const run = promisify(execFile);

/** The names the broker certificate holds: what the TLS listener advertises, and where the sandboxes reach it. */
export const BROKER_CERT_NAMES = ["dns:localhost", "ip:127.0.0.1"];
/** Days the CA and the broker certificate are valid for (the CA outlives any course; the leaf stays under 825). */
const CA_DAYS = 3650;
const BROKER_DAYS = 820;

export interface CourseTls {
  /** The broker's keystore (PKCS12: its key, its certificate and the CA's). */
  keystore: string;
  /** The keystore's password (PKCS12 uses one for the store and its keys). */
  password: string;
  /** The CA certificate, PEM, that clients trust. */
  caPem: string;
}

/** Paths of the TLS material in `folder`. */
function files(folder: string) {
  return {
    ca: path.join(folder, "ca.p12"),
    caPem: path.join(folder, "ca.pem"),
    keystore: path.join(folder, "broker.p12"),
    csr: path.join(folder, "broker.csr"),
    cert: path.join(folder, "broker.pem"),
    password: path.join(folder, "password"),
  };
}

/** Reads the TLS material of `folder`, or undefined when it has not been made (or only partly). */
export function readCourseTls(folder: string): CourseTls | undefined {
  const f = files(folder);
  if (![f.keystore, f.caPem, f.password].every((file) => fs.existsSync(file))) return undefined;
  return { keystore: f.keystore, password: fs.readFileSync(f.password, "utf8").trim(), caPem: fs.readFileSync(f.caPem, "utf8") };
}

/** Makes the course CA and the broker keystore in `folder` unless they exist, and returns them. */
export async function ensureCourseTls(folder: string, progress: Progress = () => {}): Promise<CourseTls> {
  const existing = readCourseTls(folder);
  if (existing) return existing;
  const started = Date.now();
  progress("Making the course's certificate authority and the brokers' TLS certificate (first start only)…");
  // Made in a fresh folder and moved into place whole, so an interrupted attempt leaves nothing half-made.
  fs.mkdirSync(path.dirname(folder), { recursive: true });
  const work = fs.mkdtempSync(`${folder}.tmp-`);
  try {
    const f = files(work);
    const password = crypto.randomBytes(18).toString("base64url");
    fs.writeFileSync(f.password, `${password}\n`, { mode: 0o600 });
    const store = (file: string) => ["-keystore", file, "-storetype", "PKCS12", "-storepass", password];
    const ec = ["-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA"];
    // The CA and the broker's key pair are independent: make them side by side (each keytool is a JVM start).
    await Promise.all([
      (async () => {
        await keytool([
          "-genkeypair",
          "-alias",
          "ca",
          ...ec,
          "-dname",
          "CN=Offset course CA",
          "-ext",
          "bc:c",
          "-ext",
          "ku:c=keyCertSign,cRLSign",
          "-validity",
          `${CA_DAYS}`,
          ...store(f.ca),
        ]);
        await keytool(["-exportcert", "-alias", "ca", "-rfc", "-file", f.caPem, ...store(f.ca)]);
      })(),
      (async () => {
        await keytool([
          "-genkeypair",
          "-alias",
          "broker",
          ...ec,
          "-dname",
          "CN=localhost, O=Offset course cluster",
          "-validity",
          `${BROKER_DAYS}`,
          ...store(f.keystore),
        ]);
        await keytool(["-certreq", "-alias", "broker", "-file", f.csr, ...store(f.keystore)]);
      })(),
    ]);
    await keytool([
      ...["-gencert", "-alias", "ca", "-infile", f.csr, "-outfile", f.cert, "-rfc", "-validity", `${BROKER_DAYS}`],
      ...["-ext", `SAN=${BROKER_CERT_NAMES.join(",")}`, "-ext", "ku:c=digitalSignature", "-ext", "eku=serverAuth"],
      ...store(f.ca),
    ]);
    // The broker's store holds the CA too, so that keytool accepts the signed certificate as a chain to it.
    await keytool(["-importcert", "-alias", "ca", "-file", f.caPem, "-noprompt", ...store(f.keystore)]);
    await keytool(["-importcert", "-alias", "broker", "-file", f.cert, "-noprompt", ...store(f.keystore)]);
    fs.rmSync(f.csr);
    // The CA's own key stays only as long as it is needed: no one can sign anything else with it later.
    fs.rmSync(f.ca);
    for (const file of fs.readdirSync(work)) fs.chmodSync(path.join(work, file), 0o600);
    fs.rmSync(folder, { recursive: true, force: true });
    fs.renameSync(work, folder);
  } catch (error) {
    fs.rmSync(work, { recursive: true, force: true });
    throw error;
  }
  progress(`Course CA and broker certificate ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return readCourseTls(folder)!;
}

async function keytool(args: string[]): Promise<void> {
  try {
    await run("keytool", args, { timeout: 60_000 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
    if (e.code === "ENOENT") {
      throw new ClusterError(
        "keytool was not found. The course's TLS listener needs the JDK's keytool (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless).",
      );
    }
    throw new ClusterError(`keytool ${args[0]} failed: ${(e.stderr || e.stdout || e.message).trim()}`);
  }
}
