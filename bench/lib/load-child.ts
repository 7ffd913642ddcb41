// The load generator, in its own process (never afk's, never the fakes'): autocannon
// posting signed webhook deliveries, each with its own X-GitHub-Delivery id, as GitHub
// sends them. Reads its jobs as a JSON array from argv[2] and runs them one after the
// other; prints progress lines (`{"progress":N}`, every `progressEvery` answers) and a
// `{"result":…}` line per job on stdout.

import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import type { LoadJob, LoadResult } from "./load.js";

function run(job: LoadJob): Promise<void> {
  let answered = 0;
  return new Promise((done) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        ...(job.amount === undefined ? { duration: job.durationS } : { amount: job.amount }),
        ...(job.rate === undefined ? {} : { overallRate: job.rate }),
        timeout: 10,
        requests: [
          {
            method: "POST",
            headers: job.headers,
            body: job.body,
            setupRequest: (request) => ({
              ...request,
              headers: { ...request.headers, "X-GitHub-Delivery": randomUUID() },
            }),
          },
        ],
      },
      (error, result) => {
        if (error !== null && error !== undefined) {
          console.error(String(error));
          process.exit(1);
        }
        const summary: LoadResult = {
          durationS: result.duration,
          sent: result.requests.sent,
          ok: result["2xx"],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          throughput: result["2xx"] / result.duration,
          latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
        };
        process.stdout.write(`${JSON.stringify({ result: summary })}\n`);
        done();
      },
    );
    instance.on("response", () => {
      answered += 1;
      if (job.progressEvery !== undefined && answered % job.progressEvery === 0)
        process.stdout.write(`${JSON.stringify({ progress: answered })}\n`);
    });
  });
}

for (const job of JSON.parse(process.argv[2] ?? "[]") as LoadJob[]) await run(job);
