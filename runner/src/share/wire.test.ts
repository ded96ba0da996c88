import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { Reader, Writer, alterScramRequest, saltedPassword } from "./wire.ts";

describe("flexible-version fields", () => {
  it("writes unsigned varints as Kafka does, and reads them back", () => {
    const bytes = new Writer()
      .uvarint(0)
      .uvarint(127)
      .uvarint(128)
      .uvarint(300)
      .uvarint(2 ** 31)
      .bytes();
    expect([...bytes.subarray(0, 5)]).toEqual([0x00, 0x7f, 0x80, 0x01, 0xac]);
    const r = new Reader(bytes);
    expect([r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint()]).toEqual([0, 127, 128, 300, 2 ** 31]);
  });

  it("writes compact strings, bytes and arrays with length + 1, and null as 0", () => {
    const bytes = new Writer()
      .compactString("ab")
      .compactString(null)
      .compactBytes(Buffer.from([9]))
      .compactArray([1, 2], (w, n) => w.int8(n))
      .compactArray(null, () => {})
      .tags()
      .bytes();
    expect([...bytes]).toEqual([3, 0x61, 0x62, 0, 2, 9, 3, 1, 2, 0, 0]);
    const r = new Reader(bytes);
    expect(r.compactString()).toBe("ab");
    expect(r.compactString()).toBeNull();
  });
});

describe("SCRAM credentials", () => {
  it("salts a password as RFC 7677's SCRAM-SHA-256 example requires (its client proof checks out)", () => {
    // RFC 7677, section 3: user "user", password "pencil".
    const salt = Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64");
    const salted = saltedPassword("pencil", salt, 4096, "SCRAM-SHA-256");
    const hmac = (key: Buffer, text: string) => crypto.createHmac("sha256", key).update(text).digest();
    const clientKey = hmac(salted, "Client Key");
    const storedKey = crypto.createHash("sha256").update(clientKey).digest();
    const authMessage = [
      "n=user,r=rOprNGfwEbeRWgbNEkqO",
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
    ].join(",");
    const signature = hmac(storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]!));
    expect(proof.toString("base64")).toBe("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  });

  it("stores SHA-512 credentials at SHA-512's length", () => {
    expect(saltedPassword("pencil", Buffer.alloc(32), 4096, "SCRAM-SHA-512")).toHaveLength(64);
  });

  it("builds AlterUserScramCredentials v0 with a v2 header and compact fields, and a fresh salt each time", () => {
    const request = alterScramRequest([{ user: "s-0123456789ab.alice", mechanism: "SCRAM-SHA-512", password: "pw", iterations: 4096 }]);
    const r = new Reader(request);
    expect([r.int16(), r.int16()]).toEqual([51, 0]);
    r.int32(); // correlation id
    expect(r.string()).toBe("offset-runner");
    r.tags();
    expect(r.compactArray(() => 0)).toEqual([]); // no deletions
    const [upsert] = r.compactArray((u) => {
      const name = u.compactString();
      const mechanism = u.int8();
      const iterations = u.int32();
      const saltLength = u.uvarint() - 1;
      u.raw(saltLength);
      const saltedLength = u.uvarint() - 1;
      u.raw(saltedLength);
      u.tags();
      return { name, mechanism, iterations, saltLength, saltedLength };
    });
    expect(upsert).toEqual({ name: "s-0123456789ab.alice", mechanism: 2, iterations: 4096, saltLength: 32, saltedLength: 64 });
    const again = alterScramRequest([{ user: "s-0123456789ab.alice", mechanism: "SCRAM-SHA-512", password: "pw", iterations: 4096 }]);
    expect(again.subarray(40).equals(request.subarray(40))).toBe(false);
  });
});
