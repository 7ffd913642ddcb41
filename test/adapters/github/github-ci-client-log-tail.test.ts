// A job log is read as a tail, never whole (issue 8 item 16), whatever the blob host behind
// GitHub's redirect does with the Range afk sends: honours it (206) or ignores it and
// streams the whole log (200). The big log comes from a real server on 127.0.0.1, so that
// the body reaches the client through fetch as it would from the real host, chunk by chunk.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { createEtagCache } from "../../../src/adapters/github/etag-cache.js";
import {
  createGitHubCiClient,
  LOG_TAIL_FETCH_BYTES,
  type GitHubCiClientOptions,
} from "../../../src/adapters/github/github-ci-client.js";
import type { CiReader } from "../../../src/ports/ci-reader.js";
import { aTestOctokit, useGitHubNock } from "../../support/github-nock.js";

const API = "https://api.github.com";
const BLOB = "https://pipelines.actions.githubusercontent.com";
const REPO = "acme/widgets";
const LOG_PATH = "/repos/acme/widgets/actions/jobs/70/logs";
const BLOB_PATH = "/logs/70?sig=abc";
const MIB = 1024 * 1024;

useGitHubNock();

function aClient(options: GitHubCiClientOptions = {}): CiReader {
  return createGitHubCiClient(aTestOctokit(), { clock: () => 0, etags: createEtagCache(), ...options });
}

function aNumberedLine(n: number): string {
  return `line ${String(n).padStart(10, "0")}`;
}

function aLogLine(n: number): string {
  return `2026-01-01T00:00:00.1234567Z ${aNumberedLine(n)}\r\n`;
}

interface LogHost {
  readonly url: string;
  /** The number of the log's last line. */
  readonly lines: number;
  /** The Range header of each request. */
  readonly ranges: string[];
  /** The bytes the host has handed to its socket so far. */
  sent(): number;
  close(): Promise<void>;
}

/**
 * A log host that ignores Range and answers 200 with the whole log, produced in 64 KiB
 * chunks as the client reads them (backpressure: the socket's buffers are all that is sent
 * ahead). With `resetAfterBytes`, the connection is reset once that much was sent.
 */
async function aLogHostIgnoringRange(totalBytes: number, resetAfterBytes = Infinity): Promise<LogHost> {
  const perChunk = Math.floor((64 * 1024) / Buffer.byteLength(aLogLine(0)));
  const lines = Math.ceil(totalBytes / Buffer.byteLength(aLogLine(0)));
  const ranges: string[] = [];
  let sent = 0;
  function* body(): Generator<Buffer> {
    for (let first = 1; first <= lines && sent < resetAfterBytes; first += perChunk) {
      const count = Math.min(perChunk, lines - first + 1);
      const chunk = Buffer.from(Array.from({ length: count }, (_, i) => aLogLine(first + i)).join(""));
      sent += chunk.length;
      yield chunk;
    }
    if (sent < totalBytes) throw new Error("log host: connection reset");
  }
  const server = createServer((req, res) => {
    ranges.push(String(req.headers.range));
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    pipeline(Readable.from(body()), res).catch(() => res.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${BLOB_PATH}`,
    lines,
    ranges,
    sent: () => sent,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs `body` with GitHub's log route redirecting to `host`, and 127.0.0.1 reachable. */
async function withRedirectTo<T>(host: LogHost, body: () => Promise<T>): Promise<T> {
  nock.enableNetConnect("127.0.0.1");
  try {
    nock(API).get(LOG_PATH).reply(302, "", { location: host.url });
    return await body();
  } finally {
    nock.disableNetConnect();
    await host.close();
  }
}

describe("a job log is read as a tail, never whole", () => {
  it("asks for the last LOG_TAIL_FETCH_BYTES and drops the first, cut line of a ranged answer (206)", async () => {
    const log = Buffer.from(`${aLogLine(1)}2026-01-01T00:00:01.1234567Z café\r\n${aLogLine(3)}`);
    // The range starts inside the "é" of "café", at its second byte.
    const start = log.indexOf("é") + 1;
    nock(API)
      .get(LOG_PATH)
      .reply(302, "", { location: `${BLOB}${BLOB_PATH}` });
    nock(BLOB)
      .get(BLOB_PATH)
      .matchHeader("range", `bytes=-${LOG_TAIL_FETCH_BYTES}`)
      .reply(206, log.subarray(start), {
        "content-type": "application/octet-stream",
        "content-range": `bytes ${start}-${log.length - 1}/${log.length}`,
      });
    expect(await aClient().readJobLogTail(REPO, 70)).toEqual({ ok: true, value: aNumberedLine(3) });
  });

  it("reads an answer without a body as an empty tail", async () => {
    nock(API)
      .get(LOG_PATH)
      .reply(302, "", { location: `${BLOB}${BLOB_PATH}` });
    nock(BLOB).get(BLOB_PATH).reply(204);
    expect(await aClient().readJobLogTail(REPO, 70)).toEqual({ ok: true, value: "" });
  });

  it("keeps only the last LOG_TAIL_FETCH_BYTES while a host that ignores Range streams a 20 MB log", async () => {
    const total = 20 * MIB;
    const host = await aLogHostIgnoringRange(total);
    const held: number[] = [];
    const sentWhenHeld: number[] = [];
    const client = aClient({
      logTail: { maxLines: 3, maxChars: 10_000 },
      onLogBytesHeld: (bytes) => {
        held.push(bytes);
        sentWhenHeld.push(host.sent());
      },
    });

    const result = await withRedirectTo(host, () => client.readJobLogTail(REPO, 70));

    const last = host.lines;
    expect(result).toEqual({ ok: true, value: [last - 2, last - 1, last].map(aNumberedLine).join("\n") });
    expect(host.ranges).toEqual([`bytes=-${LOG_TAIL_FETCH_BYTES}`]);
    expect(host.sent()).toBeGreaterThanOrEqual(total);
    expect(Math.max(...held)).toBe(LOG_TAIL_FETCH_BYTES);
    // Read as it streams, not buffered whole first: the client held its first bytes before
    // the host had sent the whole log (only the sockets' buffers, a few MB, lie between),
    // and went on chunk by chunk.
    expect(sentWhenHeld[0]).toBeLessThan(total);
    expect(held.length).toBeGreaterThan(total / MIB);
  });

  it("reads a log whose connection is reset half-way as a transient failure", async () => {
    const host = await aLogHostIgnoringRange(8 * MIB, 2 * MIB);
    const result = await withRedirectTo(host, () => aClient().readJobLogTail(REPO, 70));
    expect(!result.ok && result.error.category).toBe("transient");
  });
});
