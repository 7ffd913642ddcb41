// Figure 2, label → dispatch: from a labeled delivery's arrival at afk to T3's dispatch
// commands (`thread.create`, then `thread.turn.start`) reaching the fake, and the number
// of sequential outbound round trips before the first dispatch command (`thread.create`,
// or `project.create` in a repo T3 has no project for), from the fakes' request logs.
// The times come from fakes that answer at once; the round trips from a second pass of
// the same waves whose fakes take COUNTING_ANSWER_DELAY_MS to answer (why: there).
//
// 200 labeled issues across 50 repos are 4 waves of 50, one issue per repo per wave, each
// labeled once the previous one's turn.start has arrived (so that each path is measured
// alone). afk holds one run per repo, and ending 50 runs through afk costs ≥ 100 writes
// that Probot paces at one a second (a comment every 3 s), so each wave runs in a fresh
// afk process against the same fakes, after the previous wave's issues were closed in
// the fake (as after a deploy: caches cold, labels and T3 projects already there).
//
// The lock label and the progress comment are timed on lone labels (a few repos, each
// labeled only once afk has answered the previous delivery), because under a wave they
// queue behind Probot's write pacing, which this then also states.

import { toThreadId } from "../../src/core/run/ids.js";
import { preciseNow } from "../../test/fakes/github-fake-http.js";
import { longestChain, toRoute } from "../lib/critical-path.js";
import { percentile, round, spread, type Spread } from "../lib/stats.js";
import { INSTALLATION_ID, IN_PROGRESS, MAINTAINER, READY, sleep, World } from "../lib/world.js";

export interface LabelDispatchOptions {
  readonly runs: number;
  readonly repos: number;
  readonly waves: number;
  /** Lone labels per run, for the label and comment times. */
  readonly lone: number;
  readonly gapMs: number;
}

interface Hop {
  readonly route: string;
  readonly startMs: number;
  readonly endMs: number | null;
}

export interface DispatchSample {
  readonly repo: string;
  readonly issue: number;
  readonly createMs: number | null;
  readonly turnStartMs: number | null;
  /** Longest chain of round trips that ended before thread.create started. */
  readonly sequential: number;
  readonly requests: number;
  readonly chain: readonly Hop[];
  readonly all: readonly Hop[];
  /** Lone labels only: the in-progress label and the progress comment on the issue; afk's HTTP answer. */
  readonly labelMs: number | null;
  readonly commentMs: number | null;
  readonly answerMs: number | null;
}

export interface LabelDispatchFigure {
  readonly options: LabelDispatchOptions;
  readonly labeled: number;
  readonly dispatched: number;
  readonly createP50Ms: Spread;
  readonly createP99Ms: Spread;
  readonly turnStartP50Ms: Spread;
  readonly turnStartP99Ms: Spread;
  /** Counted in a second pass of the same waves whose fakes answer after COUNTING_ANSWER_DELAY_MS. */
  readonly sequentialMedian: Spread;
  readonly sequentialMax: Spread;
  /** Labels dispatched in that pass (each run's mean). */
  readonly countedDispatched: number;
  readonly requestsMedian: Spread;
  readonly loneLabelMs: Spread;
  readonly loneCommentMs: Spread;
  readonly loneAnswerMs: Spread;
  /** Requests before thread.create per route, averaged over the samples of the last run. */
  readonly routes: Readonly<Record<string, number>>;
  /** The sample at the median of the last run's counting pass, with its requests in order. */
  readonly example: DispatchSample | null;
  /** The sample with the most sequential round trips in the last run's counting pass. */
  readonly worst: DispatchSample | null;
}

const TURN_TIMEOUT_MS = 10_000;
/**
 * The fakes' answer time in the pass that counts sequential round trips. With fakes that
 * answer in a fraction of a millisecond, a read afk sends beside another but a moment
 * later (its client's hooks take their turn) starts after the other's answer, and the log
 * would chain two reads that did not wait for each other. Answers that take this long, as
 * a network's would, make reads sent together overlap; a request that waited for an
 * answer still starts after it. Far below any real round trip to GitHub, far above the
 * spread of afk's own sends.
 */
const COUNTING_ANSWER_DELAY_MS = 20;
const LONE_TIMEOUT_MS = 20_000;
const COMMENT_SPACING_MS = 3_000;

/** Applies the ready label as the maintainer and delivers `issues.labeled`; returns when it left and afk's answer. */
function label(world: World, repo: string, issue: number): { t0: number; answered: Promise<number> } {
  world.github.label(repo, issue, READY, MAINTAINER);
  const payload = world.github.issuesPayload(repo, issue, MAINTAINER, {
    action: "labeled",
    label: world.github.labelJson(repo, READY),
  });
  const t0 = preciseNow();
  const answered = world.github.webhooks.send({ event: "issues", payload }).then(() => preciseNow() - t0);
  return { t0, answered };
}

async function waitFor<T>(find: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined || Date.now() > deadline) return found;
    await sleep(2);
  }
}

function sample(world: World, repo: string, issue: number, t0: number, turnAt: number | undefined): DispatchSample {
  const threadId = toThreadId({ installationId: INSTALLATION_ID, repo: repo.toLowerCase(), issue, attempt: 1 });
  const create = world.t3.requests.find((r) => r.threadId === threadId && r.commandType === "thread.create");
  // The first dispatch command: thread.create, or the project.create before it in a repo T3
  // has no project for yet (labels are one repo at a time, so one in the window is this repo's).
  const project = world.t3In(t0, create?.startedAt ?? preciseNow()).find((r) => r.commandType === "project.create");
  const until = project?.startedAt ?? create?.startedAt ?? preciseNow();
  const github = world
    .githubIn(t0, until)
    .filter((r) => r.path.toLowerCase().startsWith(`/repos/${repo.toLowerCase()}/`) || r.path.startsWith("/app/"));
  const hops = [
    ...github.map((r) => ({ route: toRoute(r.method, r.path), startedAt: r.startedAt, endedAt: r.endedAt })),
    ...world.t3In(t0, until).map((r) => ({
      route: r.commandType === null ? toRoute(r.method, r.path) : `POST dispatch ${r.commandType}`,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
    })),
  ].filter((hop) => hop.endedAt !== null && hop.endedAt <= until);
  const toHop = (hop: (typeof hops)[number]): Hop => ({
    route: hop.route,
    startMs: round(hop.startedAt - t0, 2),
    endMs: hop.endedAt === null ? null : round(hop.endedAt - t0, 2),
  });
  return {
    repo,
    issue,
    createMs: create === undefined ? null : round(create.startedAt - t0, 2),
    turnStartMs: turnAt === undefined ? null : round(turnAt - t0, 2),
    sequential: longestChain(hops).length,
    requests: hops.length,
    chain: longestChain(hops).map(toHop),
    all: [...hops].sort((a, b) => a.startedAt - b.startedAt).map(toHop),
    labelMs: null,
    commentMs: null,
    answerMs: null,
  };
}

/** Labels one issue and waits for thread.turn.start to reach T3; `answered` settles with afk's answer. */
async function dispatchOne(
  world: World,
  repo: string,
  issue: number,
): Promise<{ sample: DispatchSample; answered: Promise<number> }> {
  const { t0, answered } = label(world, repo, issue);
  const threadId = toThreadId({ installationId: INSTALLATION_ID, repo: repo.toLowerCase(), issue, attempt: 1 });
  const turn = await waitFor(
    () => world.t3.requests.find((r) => r.threadId === threadId && r.commandType === "thread.turn.start"),
    TURN_TIMEOUT_MS,
  );
  return { sample: sample(world, repo, issue, t0, turn?.startedAt), answered };
}

async function runWaves(
  options: LabelDispatchOptions,
  log: (line: string) => void,
  answerDelayMs = 0,
): Promise<DispatchSample[]> {
  const world = await World.start({ repos: options.repos, prefix: "dispatch" });
  world.github.answerDelayMs = answerDelayMs;
  world.t3.setAnswerDelay(answerDelayMs);
  const samples: DispatchSample[] = [];
  try {
    for (let wave = 1; wave <= options.waves; wave += 1) {
      for (const repo of world.repos) world.github.addIssue(repo, { number: wave });
      const since = preciseNow();
      const afk = await world.startAfk();
      const answers: Promise<number>[] = [];
      let labelledAt = since;
      try {
        await world.startupDone(since);
        labelledAt = preciseNow();
        for (const repo of world.repos) {
          const { sample: one, answered } = await dispatchOne(world, repo, wave);
          samples.push(one);
          answers.push(answered);
          await sleep(options.gapMs);
        }
      } finally {
        await afk.kill();
      }
      // The wave's runs end in the fakes alone (the agent's turn too: a thread T3 shows with
      // no turn yet holds its repo, as its agent may start any moment); its deliveries cut
      // by the kill leave GitHub's log.
      await Promise.all(answers);
      for (const repo of world.repos) {
        world.github.unlabel(repo, wave, IN_PROGRESS, MAINTAINER);
        world.github.close(repo, wave, MAINTAINER);
        const threadId = toThreadId({
          installationId: INSTALLATION_ID,
          repo: repo.toLowerCase(),
          issue: wave,
          attempt: 1,
        });
        if (world.t3.thread(threadId) !== undefined)
          world.t3.completeTurn(threadId, { state: "completed", text: "AFK-STATUS: gave-up: the bench ends the run" });
      }
      await world.github.deliveriesSettled();
      world.github.deliveries.splice(0);
      log(
        `label→dispatch${answerDelayMs > 0 ? ` (answers after ${answerDelayMs} ms)` : ""}: wave ${wave} of ${options.waves}: start-up ${Math.round(labelledAt - since)} ms, ` +
          `${world.repos.length} labels in ${Math.round(preciseNow() - labelledAt)} ms`,
      );
    }
  } finally {
    await world.close();
  }
  return samples;
}

async function runLone(options: LabelDispatchOptions): Promise<DispatchSample[]> {
  const world = await World.start({ repos: options.lone, prefix: "lone" });
  const samples: DispatchSample[] = [];
  const since = preciseNow();
  const afk = await world.startAfk();
  try {
    await world.startupDone(since);
    for (const repo of world.repos) {
      world.github.addIssue(repo, { number: 1 });
      const { t0, answered } = label(world, repo, 1);
      const answerMs = await Promise.race([answered, sleep(LONE_TIMEOUT_MS).then(() => null)]);
      const threadId = toThreadId({ installationId: INSTALLATION_ID, repo: repo.toLowerCase(), issue: 1, attempt: 1 });
      const turn = world.t3.requests.find((r) => r.threadId === threadId && r.commandType === "thread.turn.start");
      const writes = world.githubIn(t0, preciseNow(), repo);
      const labelled = writes.find((r) => r.method === "POST" && /\/issues\/1\/labels$/.test(r.path));
      const commented = writes.find((r) => r.method === "POST" && /\/issues\/1\/comments$/.test(r.path));
      const at = (r: { endedAt: number | null } | undefined): number | null =>
        r?.endedAt === null || r === undefined ? null : round(r.endedAt - t0, 1);
      samples.push({
        ...sample(world, repo, 1, t0, turn?.startedAt),
        labelMs: at(labelled),
        commentMs: at(commented),
        answerMs: answerMs === null ? null : round(answerMs, 1),
      });
      await world.quiet(300);
      // Probot spaces comments 3 s apart across the whole app: a lone label has none before it.
      await sleep(COMMENT_SPACING_MS);
    }
  } finally {
    await afk.close();
    await world.close();
  }
  return samples;
}

export async function runLabelDispatch(
  options: LabelDispatchOptions,
  log: (line: string) => void,
): Promise<LabelDispatchFigure> {
  const runs: { waves: DispatchSample[]; counted: DispatchSample[]; lone: DispatchSample[] }[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    const waves = await runWaves(options, log);
    const counted = await runWaves(options, log, COUNTING_ANSWER_DELAY_MS);
    const lone = await runLone(options);
    runs.push({ waves, counted, lone });
    const creates = waves.flatMap((s) => (s.createMs === null ? [] : [s.createMs]));
    log(
      `label→dispatch run ${run + 1}: thread.create p50 ${percentile(creates, 50)} ms p99 ${percentile(creates, 99)} ms, ` +
        `sequential ${percentile(
          counted.map((s) => s.sequential),
          50,
        )}; lone label ${lone.map((s) => s.labelMs).join("/")} ms, comment ${lone.map((s) => s.commentMs).join("/")} ms`,
    );
  }
  const per = (pick: (s: DispatchSample) => number | null, p: number, pass: "waves" | "counted" = "waves") =>
    spread(
      runs.map((r) =>
        percentile(
          r[pass].flatMap((s) => (pick(s) === null ? [] : [pick(s) ?? 0])),
          p,
        ),
      ),
    );
  const lone = runs.flatMap((r) => r.lone);
  const last = runs.at(-1)?.waves ?? [];
  const routes: Record<string, number> = {};
  for (const s of last) for (const hop of s.all) routes[hop.route] = (routes[hop.route] ?? 0) + 1 / last.length;
  const counted = runs.at(-1)?.counted ?? [];
  const byCreate = [...counted]
    .filter((s) => s.createMs !== null)
    .sort((a, b) => (a.createMs ?? 0) - (b.createMs ?? 0));
  return {
    options,
    labeled: runs.reduce((sum, r) => sum + r.waves.length, 0) / Math.max(1, runs.length),
    dispatched: runs.reduce((sum, r) => sum + r.waves.filter((s) => s.createMs !== null).length, 0) / runs.length,
    createP50Ms: per((s) => s.createMs, 50),
    createP99Ms: per((s) => s.createMs, 99),
    turnStartP50Ms: per((s) => s.turnStartMs, 50),
    turnStartP99Ms: per((s) => s.turnStartMs, 99),
    sequentialMedian: per((s) => s.sequential, 50, "counted"),
    sequentialMax: per((s) => s.sequential, 100, "counted"),
    countedDispatched:
      runs.reduce((sum, r) => sum + r.counted.filter((s) => s.createMs !== null).length, 0) / runs.length,
    requestsMedian: per((s) => s.requests, 50),
    loneLabelMs: spread(lone.flatMap((s) => (s.labelMs === null ? [] : [s.labelMs]))),
    loneCommentMs: spread(lone.flatMap((s) => (s.commentMs === null ? [] : [s.commentMs]))),
    loneAnswerMs: spread(lone.flatMap((s) => (s.answerMs === null ? [] : [s.answerMs]))),
    routes: Object.fromEntries(Object.entries(routes).map(([route, count]) => [route, round(count, 2)])),
    example: byCreate[Math.floor(byCreate.length / 2)] ?? null,
    worst: counted.reduce<DispatchSample | null>((top, s) => (s.sequential > (top?.sequential ?? -1) ? s : top), null),
  };
}
