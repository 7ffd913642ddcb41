// afk's Octokit against a local HTTP server: writes keep Probot's pacing, reads neither
// wait behind it nor retry, and no more than READS_IN_FLIGHT_MAX reads are in flight;
// once GitHub answers a read with a rate limit, no read goes out until the time it named.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AfkOctokit, afkOctokitWith, READS_IN_FLIGHT_MAX } from "../../../src/adapters/github/afk-octokit.js";

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly at: number;
}

let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end("{}");
const seen: Seen[] = [];
const server = createServer((req, res) => {
  seen.push({ method: req.method ?? "", path: req.url ?? "", at: performance.now() });
  res.setHeader("content-type", "application/json");
  answer(req, res);
});
let baseUrl = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function anOctokit() {
  return new AfkOctokit({ auth: { token: "t" }, baseUrl });
}

describe("afk's Octokit", () => {
  it("paces writes as Probot does, and a read does not wait behind them", async () => {
    seen.splice(0);
    answer = (_req, res) => res.end("{}");
    const octokit = anOctokit();
    const label = { owner: "o", repo: "r", name: "x", color: "ffffff" };
    const first = octokit.request("POST /repos/{owner}/{repo}/labels", label);
    const second = octokit.request("POST /repos/{owner}/{repo}/labels", label);
    const read = octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" });
    await read;
    // Answered while the second write still waits its turn.
    expect(seen.filter((r) => r.method === "POST").length).toBeLessThan(2);
    await Promise.all([first, second]);
    const [one, two] = seen.filter((r) => r.method === "POST");
    // Probot's pacing starts the second write ≥ 1 s after it started the first; the server
    // sees them arrive, and a busy event loop can make the first arrive late. Without the
    // pacing the two arrive within milliseconds of each other.
    expect((two?.at ?? 0) - (one?.at ?? 0)).toBeGreaterThanOrEqual(500);
  });

  it("sends a failed read once: whoever read retries it", async () => {
    seen.splice(0);
    answer = (_req, res) => {
      res.statusCode = 502;
      res.end(JSON.stringify({ message: "Bad Gateway" }));
    };
    const failed = await anOctokit()
      .request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" })
      .catch((error: unknown) => error);
    expect(failed).toMatchObject({ status: 502 });
    expect(seen).toHaveLength(1);
  });

  it(`keeps at most ${READS_IN_FLIGHT_MAX} reads in flight, and sends the rest as they end`, async () => {
    seen.splice(0);
    const held: ServerResponse[] = [];
    answer = (_req, res) => held.push(res);
    const octokit = anOctokit();
    const reads = Array.from({ length: READS_IN_FLIGHT_MAX + 5 }, (_, i) =>
      octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { owner: "o", repo: "r", issue_number: i }),
    );
    await expect.poll(() => held.length).toBe(READS_IN_FLIGHT_MAX);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(held).toHaveLength(READS_IN_FLIGHT_MAX);
    answer = (_req, res) => res.end("{}");
    for (const res of held.splice(0)) res.end("{}");
    await Promise.all(reads);
    expect(seen).toHaveLength(READS_IN_FLIGHT_MAX + 5);
  });

  describe("after a rate-limited read", () => {
    const start = Date.parse("2026-12-04T09:00:00Z");
    const read = (octokit: InstanceType<typeof AfkOctokit>) =>
      octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" }).catch((error: unknown) => error);

    function aPacedWorld() {
      const clock = { now: start };
      const warned: string[] = [];
      const log = { debug: () => {}, info: () => {}, warn: (m: string) => warned.push(m), error: () => {} };
      const Paced = afkOctokitWith(() => clock.now);
      const of = (installationId: number) => new Paced({ auth: { token: "t", installationId }, baseUrl, log });
      return { clock, warned, of };
    }

    it("holds every read until retry-after passes, failing each at once as a rate limit", async () => {
      seen.splice(0);
      const { clock, warned, of } = aPacedWorld();
      answer = (_req, res) => {
        res.statusCode = 403;
        res.setHeader("retry-after", "30");
        res.setHeader("x-ratelimit-remaining", "4000");
        res.end(JSON.stringify({ message: "You have exceeded a secondary rate limit." }));
      };
      const octokit = of(1);
      expect(await read(octokit)).toMatchObject({ status: 403 });
      answer = (_req, res) => res.end("{}");
      clock.now += 29_000;
      // A secondary limit holds the other installations too.
      expect(await read(octokit)).toMatchObject({ status: 429, response: { headers: { "retry-after": "1" } } });
      expect(await read(of(2))).toMatchObject({ status: 429 });
      expect(seen).toHaveLength(1);
      expect(warned).toEqual([
        "GitHub answered a read with its secondary rate limit: afk holds reads of every installation until 2026-12-04T09:00:30.000Z",
      ]);
      clock.now += 1_000;
      expect(await read(octokit)).toEqual(expect.objectContaining({ status: 200 }));
      expect(seen).toHaveLength(2);
    });

    it("waits a minute after a secondary limit that names no time", async () => {
      seen.splice(0);
      const { clock, of } = aPacedWorld();
      answer = (_req, res) => {
        res.statusCode = 429;
        res.end(JSON.stringify({ message: "Too many requests" }));
      };
      const octokit = of(1);
      expect(await read(octokit)).toMatchObject({ status: 429 });
      answer = (_req, res) => res.end("{}");
      clock.now += 59_999;
      expect(await read(octokit)).toMatchObject({ status: 429 });
      expect(seen).toHaveLength(1);
      clock.now += 1;
      expect(await read(octokit)).toEqual(expect.objectContaining({ status: 200 }));
    });

    it("holds the installation's reads until its primary limit resets, and only that installation's", async () => {
      seen.splice(0);
      const { clock, warned, of } = aPacedWorld();
      const reset = Math.floor(start / 1000) + 600;
      answer = (_req, res) => {
        res.statusCode = 403;
        res.setHeader("x-ratelimit-remaining", "0");
        res.setHeader("x-ratelimit-reset", String(reset));
        res.end(JSON.stringify({ message: "API rate limit exceeded for installation." }));
      };
      const limited = of(1);
      expect(await read(limited)).toMatchObject({ status: 403 });
      answer = (_req, res) => res.end("{}");
      clock.now += 599_000;
      expect(await read(limited)).toMatchObject({ status: 429 });
      expect(await read(limited)).toMatchObject({ status: 429 });
      expect(await read(of(2))).toEqual(expect.objectContaining({ status: 200 }));
      expect(seen).toHaveLength(2);
      expect(warned).toEqual([
        "GitHub answered a read with its primary rate limit: afk holds reads of installation 1 until 2026-12-04T09:10:00.000Z",
      ]);
      clock.now += 1_000;
      expect(await read(limited)).toEqual(expect.objectContaining({ status: 200 }));
    });
  });
});
