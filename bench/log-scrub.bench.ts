// What the secret scrubber (src/shell/logging/secret-scrubber.ts) adds to each log line.
// Run: npx vitest bench --run bench/log-scrub.bench.ts. Never timed in tests.
//
// Measured on the project's 2-core machine (Node 20), 8 secrets configured (a 2048-bit
// PEM key and seven tokens: 27 forms searched), means of `vitest bench`:
//   scrubbing a typical 300-byte JSON line          1.3-1.7 µs  (~600,000 lines/s)
//   scrubbing a 5 KB line                           3.6-4.6 µs
//   scrubbing a line that holds a token             1.6-2.1 µs
//   one line through afk's logger, redaction paths  6.0 µs
//   ... and the scrubber                            8.5 µs  (+2.5 µs, ~40%)
// afk writes a few lines per webhook or sweep: the scrubber costs microseconds per
// second of afk's work.

import { generateKeyPairSync, randomBytes } from "node:crypto";
import { bench, describe } from "vitest";
import { createRedactingLogger } from "../src/shell/logging/afk-logger.js";
import { createSecretScrubber } from "../src/shell/logging/secret-scrubber.js";

const key = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();
const token = (prefix: string): string => `${prefix}${randomBytes(20).toString("hex")}`;
const secrets = [
  key,
  token("whsec-"),
  token("t3-"),
  token("xoxb-"),
  token(""),
  token("wp-"),
  token("kube."),
  token("st-"),
];
const scrubber = createSecretScrubber(secrets);

const line = `${JSON.stringify({
  level: 30,
  time: 1_700_000_000_000,
  pid: 1234,
  hostname: "afk-7d9f",
  name: "probot",
  repo: "acme/widgets",
  issue: 42,
  attempt: 1,
  thread: "bd0e7cd0-0035-5bc1-8170-140ef94bcff8",
  msg: "observed the run: CI green for 0ddba11000000000000000000000000000000000, waiting for the deploy pipeline",
})}\n`;
const long = line.replace("observed", "x".repeat(5_000));
const leaking = line.replace("acme/widgets", secrets[2] ?? "");

describe(`secret scrubber, ${scrubber.size} forms`, () => {
  bench("a typical 300-byte line", () => void scrubber.scrub(line));
  bench("a 5 KB line", () => void scrubber.scrub(long));
  bench("a line that holds a token", () => void scrubber.scrub(leaking));
});

const sink = { write: (_line: string): void => undefined };
const noScrubber = { scrub: (text: string) => text, add: () => undefined, size: 0 };
const withScrubber = createRedactingLogger({ level: "info", scrubber, destination: sink });
const pathsOnly = createRedactingLogger({ level: "info", scrubber: noScrubber, destination: sink });
const fields = { repo: "acme/widgets", issue: 42, attempt: 1, thread: "bd0e7cd0-0035-5bc1-8170-140ef94bcff8" };

describe("one log line through afk's logger (redaction paths, then the scrubber)", () => {
  bench("without the scrubber", () => pathsOnly.info(fields, "observed the run: CI green, waiting for the deploy"));
  bench("with the scrubber", () => withScrubber.info(fields, "observed the run: CI green, waiting for the deploy"));
});
