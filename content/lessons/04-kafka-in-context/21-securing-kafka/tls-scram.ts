import crypto from "node:crypto";
import { once } from "node:events";
import tls from "node:tls";
import { Kafka, logLevel, type KafkaConfig } from "kafkajs";
import { courseCa, deleteScramUser, scramUser, tlsBrokers } from "lab";

// The course cluster's SECURE listener: SASL_SSL, with a certificate signed by the course's own CA.
const brokers = tlsBrokers();
const [host, port] = brokers[0]!.split(":") as [string, string];

/** One TLS handshake with Node's tls module, as every Kafka client makes before its first request. */
async function handshake(options: tls.ConnectionOptions): Promise<string> {
  const socket = tls.connect({ host, port: Number(port), servername: host, ...options });
  try {
    await once(socket, "secureConnect");
    const cert = socket.getPeerCertificate();
    return `verified: ${cert.subject.CN}, issued by ${cert.issuer.CN}, names ${cert.subjectaltname}; ${socket.getProtocol()}`;
  } catch (error) {
    return `failed: ${(error as NodeJS.ErrnoException).code}`;
  } finally {
    socket.destroy();
  }
}
console.log(`handshake trusting the course CA → ${await handshake({ ca: [courseCa()] })}`);
console.log(`handshake trusting only the usual public CAs → ${await handshake({})}`);
console.log(`handshake to the right broker under another name → ${await handshake({ ca: [courseCa()], servername: "kafka.example.com" })}`);

// A SCRAM user, created for this lesson by the course (creating one needs Alter on the cluster: see below).
const password = crypto.randomUUID();
const alice = await scramUser("alice", password);
console.log(`created ${alice.principal} with ${alice.mechanism}, ${alice.iterations} iterations`);

/** Connects with `settings` and asks for the cluster's brokers; prints what happened. */
async function attempt(label: string, settings: Partial<KafkaConfig>): Promise<void> {
  const client = new Kafka({
    clientId: "tls-scram",
    brokers,
    connectionTimeout: 3000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
    ...settings,
  });
  const admin = client.admin();
  try {
    await admin.connect();
    const { brokers: found } = await admin.describeCluster();
    console.log(`${label}: connected, ${found.length} brokers at ${found.map((b) => `${b.host}:${b.port}`).join(", ")}`);
  } catch (error) {
    // kafkajs wraps what went wrong on the connection in the error of its last retry.
    const cause = (error as Error & { originalError?: Error }).originalError ?? (error as Error);
    console.log(`${label}: failed (${cause.name}: ${cause.message})`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

const tlsSettings = { ssl: { ca: [courseCa()] } };
await attempt("SCRAM-SHA-512 over TLS", { ...tlsSettings, sasl: { mechanism: "scram-sha-512", username: alice.user, password } });
await attempt("wrong password", { ...tlsSettings, sasl: { mechanism: "scram-sha-512", username: alice.user, password: "guess" } });
await attempt("SCRAM-SHA-256, same password", { ...tlsSettings, sasl: { mechanism: "scram-sha-256", username: alice.user, password } });
await attempt("no TLS on the TLS port", { sasl: { mechanism: "scram-sha-512", username: alice.user, password } });

await deleteScramUser("alice");
await attempt("after the user is deleted", { ...tlsSettings, sasl: { mechanism: "scram-sha-512", username: alice.user, password } });
