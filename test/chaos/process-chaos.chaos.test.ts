// Real-process chaos (issue 8): afk as a child process (test/support/child-afk.ts) against
// the fakes, carrying one labelled issue to production: the agent's turn ends with a
// pushed commit, CI goes green, Woodpecker deploys, Kubernetes rolls out, the issue is
// closed with a summary. The run is told twice in fresh worlds: once untouched, once with
// afk SIGKILLed at 30 seeded random moments, right after its k-th request (to GitHub, T3,
// Woodpecker or Kubernetes) since it was last started, and started again at once on the
// same port. The fakes keep their state and keep delivering webhooks; a delivery afk was
// down for is logged as failed, and afk's start-up asks GitHub to redeliver it. The end
// state must be the same: one agent thread per attempt, one progress comment, each notice
// once, the same labels, the issue closed as without kills.
//
// The outside world acts on what it sees whether afk is alive or not, but each of its steps
// (the agent's push, CI, the deploy, the rollout) is held until a set number of kills were
// done, so that the kills fall in every stage of the run and not all before the dispatch.
// AFK_CHAOS_SEED=<n> replays another schedule.

import { afterAll, describe, expect, it } from "vitest";
import { ProcessWorld, type Gates, type Outcome, type SeenRequest } from "./process-world.js";

const SEED = Number(process.env.AFK_CHAOS_SEED ?? "20261204");
const KILLS = 30;
/** Kill right after afk's k-th request since its start, k drawn from 1..MAX_K. */
const MAX_K = 32;
/** After how many kills each outside step may happen. */
const OPENS: Readonly<Record<keyof Gates, number>> = { agent: 6, ci: 12, deploy: 18, rollout: 24 };
/** The outside step a run in each phase waits for. */
const WAITS_FOR: Readonly<Record<string, keyof Gates>> = {
  "(no record)": "agent",
  dispatched: "agent",
  pushed: "ci",
  ci: "ci",
  deploying: "deploy",
  "rolling-out": "rollout",
};
/**
 * afk quiet this long (start-up done, nothing to do) is killed there, idle, rather than at
 * its next sweep, unless the step its run waits for has happened: then afk is given its
 * sweeps, for the deploy and the rollout send no webhook and only a sweep sees them.
 */
const IDLE_MS = 1_500;
/** Generous: this is a 2-core machine shared with other work. */
const RUN_DEADLINE_MS = 480_000;
/** Once closed, a sweep interval and more, so that a late duplicate would show. */
const AFTER_CLOSE_MS = 12_000;

interface Kill {
  readonly n: number;
  readonly k: number;
  /** The last request afk made (`idle` when it had gone quiet), and the phase its record said. */
  readonly after: string;
  readonly phase: string;
  readonly atMs: number;
}

/** mulberry32: a small seeded generator, so that a schedule can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function describeRequest(request: SeenRequest | undefined): string {
  if (request === undefined) return "no request yet";
  const path = request.path
    .replace(/\?.*$/, "")
    .replace(/\/repos\/[^/]+\/[^/]+/, "")
    .replace(/[0-9a-f]{40}/g, "<sha>")
    .replace(/[0-9a-f-]{36}/g, "<thread>");
  return `${request.system} ${request.method} ${path}`;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once the issue is closed and a sweep interval more has passed with the fakes quiet. */
async function ended(world: ProcessWorld, deadline: number): Promise<void> {
  while (world.issueState() !== "closed") {
    if (Date.now() > deadline)
      throw new Error(`the run never shipped: ${JSON.stringify(world.outcome())}\n${world.afk.allOutput.slice(-4000)}`);
    await sleep(50);
  }
  await sleep(AFTER_CLOSE_MS);
  await world.base.quiet(500, deadline + AFTER_CLOSE_MS);
}

async function untouched(): Promise<{ outcome: Outcome; ms: number }> {
  const world = await ProcessWorld.start();
  try {
    const started = Date.now();
    await world.startAfk();
    await world.base.startupDone(started);
    world.labelReady();
    await ended(world, Date.now() + RUN_DEADLINE_MS);
    expect(world.base.github.violations).toEqual([]);
    return { outcome: world.outcome(), ms: Date.now() - started };
  } finally {
    await world.close();
  }
}

async function withKills(seed: number): Promise<{ outcome: Outcome; kills: Kill[]; ms: number; starts: number }> {
  const random = seeded(seed);
  const world = await ProcessWorld.start();
  const kills: Kill[] = [];
  try {
    const started = Date.now();
    for (const gate of Object.keys(OPENS) as (keyof Gates)[]) world.gates[gate] = OPENS[gate] === 0;
    const afk = await world.startAfk();
    await world.base.startupDone(started);
    world.labelReady();
    let from = world.seen.length;
    const deadline = Date.now() + RUN_DEADLINE_MS;
    while (kills.length < KILLS) {
      const k = 1 + Math.floor(random() * MAX_K);
      const idle = await killAfter(world, from + k, deadline, () => {
        const waitsFor = WAITS_FOR[world.record()?.phase ?? "(no record)"];
        return waitsFor === undefined || !world.gates[waitsFor];
      });
      const last = world.seen.length > from ? world.seen.at(-1) : undefined;
      await afk.kill();
      kills.push({
        n: kills.length + 1,
        k,
        after: `${idle ? "idle, " : ""}${describeRequest(last)}`,
        phase: world.record()?.phase ?? "(no record)",
        atMs: Date.now() - started,
      });
      for (const gate of Object.keys(OPENS) as (keyof Gates)[])
        if (kills.length >= OPENS[gate]) world.gates[gate] = true;
      from = world.seen.length;
      await afk.restart();
    }
    await ended(world, deadline);
    expect(world.base.github.violations).toEqual([]);
    return { outcome: world.outcome(), kills, ms: Date.now() - started, starts: kills.length + 1 };
  } finally {
    await world.close();
  }
}

/** Waits until afk made `count` requests in all (false) or went quiet first while `idleKill` (true). */
async function killAfter(
  world: ProcessWorld,
  count: number,
  deadline: number,
  idleKill: () => boolean,
): Promise<boolean> {
  const since = Date.now();
  let seen = world.seen.length;
  let lastAt = since;
  while (world.seen.length < count) {
    if (Date.now() > deadline) throw new Error(`afk stopped making requests (${world.seen.length} of ${count})`);
    if (world.seen.length !== seen) {
      seen = world.seen.length;
      lastAt = Date.now();
    }
    // Quiet after its start-up: killed while idle rather than waiting for the next sweep.
    if (Date.now() - lastAt > IDLE_MS && !world.base.github.webhooks.busy && idleKill()) return true;
    await world.nextRequest(100);
  }
  return false;
}

describe("afk as a real process, SIGKILLed at random moments while it carries an issue to production", () => {
  const results: string[] = [];
  afterAll(() => {
    console.log(results.join("\n"));
  });

  it(`ends as the run without kills (seed ${SEED}, ${KILLS} kills)`, async () => {
    const base = await untouched();
    expect(base.outcome).toMatchObject({
      issue: { state: "closed", stateReason: "completed", labels: [] },
      progressComments: 1,
      notices: ["shipped/1"],
      record: { phase: "shipped", attempt: 1, stages: { ci: "green", deploy: "green", rollout: "green" } },
      threads: { "attempt 1": { creates: 1, turns: 1, interrupts: 0 } },
    });
    const chaos = await withKills(SEED);
    results.push(
      `process chaos, seed ${SEED}: untouched run ${(base.ms / 1000).toFixed(1)} s; ` +
        `${chaos.kills.length} kills, ${chaos.starts} starts, ${(chaos.ms / 1000).toFixed(1)} s`,
      ...chaos.kills.map(
        (kill) =>
          `  kill ${String(kill.n).padStart(2)} at ${(kill.atMs / 1000).toFixed(1).padStart(6)} s, k=${String(kill.k).padStart(2)}, ` +
          `record ${kill.phase.padEnd(12)} after ${kill.after}`,
      ),
    );
    expect(chaos.kills).toHaveLength(KILLS);
    expect(chaos.outcome).toEqual(base.outcome);
  });
});
