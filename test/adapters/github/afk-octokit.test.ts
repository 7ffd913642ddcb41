// afk's Octokit against a local HTTP server: writes keep Probot's pacing, reads neither
// wait behind it nor retry, and no more than READS_IN_FLIGHT_MAX reads are in flight.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AfkOctokit, READS_IN_FLIGHT_MAX } from "../../../src/adapters/github/afk-octokit.js";

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
    expect((two?.at ?? 0) - (one?.at ?? 0)).toBeGreaterThanOrEqual(900);
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
});
