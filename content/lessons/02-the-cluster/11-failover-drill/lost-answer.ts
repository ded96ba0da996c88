import net from "node:net";
import { Kafka, type ISocketFactory } from "kafkajs";
import { freshTopic, labConfig, readTopic } from "lab";

// A failover can cut a connection after the broker has written a batch but before its answer arrives. This
// snippet makes that happen on purpose, once: the socket below passes everything through, except that it throws
// away the broker's answer to the next Produce request and resets the connection.
let loseNextProduceAnswer = false;

const lossyNetwork: ISocketFactory = ({ host, port, onConnect }) => {
  const socket = net.connect({ host, port }, onConnect);
  const doomed = new Set<number>(); // correlation ids of Produce requests whose answer will be lost
  // Outgoing: a request is [size int32][api key int16][version int16][correlation id int32]…; Produce is key 0.
  const write = socket.write.bind(socket);
  socket.write = ((chunk: Buffer, ...rest: [BufferEncoding]) => {
    if (loseNextProduceAnswer && Buffer.isBuffer(chunk) && chunk.length >= 12 && chunk.readInt16BE(4) === 0) {
      loseNextProduceAnswer = false;
      doomed.add(chunk.readInt32BE(8));
    }
    return write(chunk, ...rest);
  }) as typeof socket.write;
  // Incoming: an answer is [size int32][correlation id int32]…; cut the stream into answers, drop the doomed one.
  const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
  let pending = Buffer.alloc(0);
  socket.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event !== "data" || (doomed.size === 0 && pending.length === 0)) return emit(event, ...args);
    pending = Buffer.concat([pending, args[0] as Buffer]);
    while (pending.length >= 8 && pending.length >= 4 + pending.readInt32BE(0)) {
      const answer = pending.subarray(0, 4 + pending.readInt32BE(0));
      pending = pending.subarray(answer.length);
      if (doomed.delete(answer.readInt32BE(4))) {
        socket.destroy(new Error("connection reset before the broker's answer arrived"));
        return true;
      }
      emit("data", answer);
    }
    return true;
  }) as typeof socket.emit;
  return socket;
};

const client = new Kafka({ ...labConfig, clientId: "lost-answer", socketFactory: lossyNetwork });

for (const idempotent of [false, true]) {
  const topic = await freshTopic(idempotent ? "lost-answer-idempotent" : "lost-answer-plain", { partitions: 1 });
  // kafkajs's idempotent producer needs one request in flight at a time (and acks=all, its default).
  const producer = client.producer(idempotent ? { idempotent: true, maxInFlightRequests: 1 } : {});
  await producer.connect();
  await producer.send({ topic, messages: [{ value: "warm-up" }] }); // connect to the leader first
  loseNextProduceAnswer = true;
  const [result] = await producer.send({ topic, messages: [{ value: "payment 42" }] });
  await producer.disconnect();

  const log = await readTopic(topic);
  const copies = log.filter((r) => r.value === "payment 42").map((r) => r.offset);
  console.log(
    `idempotent: ${idempotent}: the first answer was lost, the retry was acknowledged at offset ${result!.baseOffset}; ` +
      `the log holds "payment 42" ${copies.length} time(s), at offset(s) ${copies.join(", ")}`,
  );
}
