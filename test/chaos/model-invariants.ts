// The invariants of the model-based test (issue 8), read from the twins as people and
// systems see them. After every command: never two agents at work in one repo; never
// more runs holding a slot than the cap; each notice posted once; no dispatch and no
// resume for someone afk does not trust; no act on an echo (a run ends as cancelled or
// taken over only after a person stopped it, and every write of afk's was echoed). Once
// afk is quiet: every run rests in a state visible on the issue (labels and progress
// comment agree with the record), no agent works for a run that ended (nor for an issue
// with no run that is closed or not ready), and no trusted ready label is left without
// a run.

import { isThreadBusy, type ThreadFact } from "../../src/core/observe/agent-threads.js";
import { renderStateBlock } from "../../src/core/render/render-state.js";
import { decodeRecord, isAfkComment } from "../../src/core/run/record-codec.js";
import { isActive, isTerminal } from "../../src/core/run/run-record.js";
import type { RunRecord } from "../../src/core/run/run-types.js";
import { parseThreadTitle } from "../../src/core/run/thread-title.js";
import type { IssueSnapshot } from "../../src/adapters/memory/github-snapshot.js";
import { MAINTAINER } from "./chaos-world.js";
import { CAP, issueKey, MALLORY, STRANGER, type ModelWorld } from "./model-world.js";

const NOTICE = /<!-- afk:notice [^>]* -->/g;

interface IssueView {
  readonly repo: string;
  readonly issue: IssueSnapshot;
  readonly record: RunRecord | null;
  /** afk's comments that carry a run record. */
  readonly progress: readonly { readonly body: string }[];
}

function violated(what: string): never {
  throw new Error(`invariant violated: ${what}`);
}

function viewIssues(model: ModelWorld): IssueView[] {
  const { github } = model.world;
  return github.snapshot().repos.flatMap((repo) =>
    repo.issues.map((issue) => {
      const progress = issue.comments.filter(
        (comment) => comment.appId === github.identity.appId && isAfkComment(comment.body),
      );
      const decoded = decodeRecord(progress.at(-1)?.body);
      return { repo: repo.repo, issue, record: decoded.ok ? decoded.record : null, progress };
    }),
  );
}

/** Agents at work: a turn asked for or running, or waiting on a person. */
function busyThreads(model: ModelWorld): { readonly id: string; readonly repo: string; readonly issue: number }[] {
  const { agent } = model.world;
  return agent.snapshot().threads.flatMap((thread) => {
    const fact: ThreadFact | null = agent.thread(thread.id);
    const named = parseThreadTitle(thread.title);
    if (fact === null || named === null || !(thread.turnRequested || isThreadBusy(fact))) return [];
    return [{ id: thread.id, repo: named.repo, issue: named.issue }];
  });
}

/** The login of the latest application of the ready label, and when. */
function lastReadyLabel(model: ModelWorld, issue: IssueSnapshot): { actor: string | null; at: number } | null {
  const ready = model.world.config.labels.ready;
  const event = issue.events.findLast((each) => each.kind === "labeled" && each.label === ready);
  return event === undefined ? null : { actor: event.actor, at: event.at };
}

function isTrusted(model: ModelWorld, login: string | null): boolean {
  return login === MAINTAINER || login === model.world.github.identity.botLogin;
}

function checkOneAgentPerRepo(model: ModelWorld): void {
  const byRepo = new Map<string, string[]>();
  for (const thread of busyThreads(model)) byRepo.set(thread.repo, [...(byRepo.get(thread.repo) ?? []), thread.id]);
  for (const [repo, threads] of byRepo)
    if (threads.length > 1) violated(`${threads.length} agents at work in ${repo}: ${threads.join(", ")}`);
}

function checkCap(model: ModelWorld, views: readonly IssueView[]): void {
  const holding = new Set<string>();
  for (const { repo, issue, record } of views) {
    if (record === null) continue;
    const escalatedHolding = record.phase === "escalated" && record.escalation?.cause !== "dispatch-rejected";
    if (isActive(record.phase) || escalatedHolding) holding.add(issueKey(repo, issue.number));
  }
  for (const thread of busyThreads(model)) holding.add(issueKey(thread.repo, thread.issue));
  if (holding.size > CAP)
    violated(`${holding.size} runs hold a slot, over the cap of ${CAP}: ${[...holding].join(", ")}`);
}

function checkNoticesOnce(views: readonly IssueView[]): void {
  for (const { repo, issue } of views) {
    const markers = issue.comments.flatMap((comment) => comment.body.match(NOTICE) ?? []);
    const twice = markers.find((marker, index) => markers.indexOf(marker) !== index);
    if (twice !== undefined) violated(`${repo}#${issue.number}: notice posted twice: ${twice}`);
  }
}

/** A new T3 thread is a dispatch: the ready label's latest application must be a trusted person's (or afk's own, on a Retry). */
function checkTrustedDispatch(model: ModelWorld, views: readonly IssueView[]): void {
  for (const thread of model.world.agent.snapshot().threads) {
    if (model.threadsSeen.has(thread.id)) continue;
    model.threadsSeen.add(thread.id);
    const named = parseThreadTitle(thread.title);
    const view = views.find((each) => each.repo === named?.repo && each.issue.number === named.issue);
    if (view === undefined) violated(`a thread for no issue: ${thread.title}`);
    const last = lastReadyLabel(model, view.issue);
    if (!isTrusted(model, last?.actor ?? null))
      violated(`${view.repo}#${view.issue.number} dispatched on a ready label applied by ${last?.actor ?? "nobody"}`);
  }
  for (const { repo, issue, record } of views) {
    if (record === null) continue;
    if (record.approval?.by === MALLORY) violated(`${repo}#${issue.number}: approved by ${MALLORY}`);
    for (const resumption of record.resumptions)
      if (resumption.by === MALLORY || resumption.by === STRANGER)
        violated(`${repo}#${issue.number}: resumed by ${resumption.by}`);
  }
}

/** A run that ends as cancelled or taken over was stopped by a person; nothing afk wrote ends it. */
function checkNoActOnEcho(model: ModelWorld, views: readonly IssueView[]): void {
  const bot = model.world.github.identity.botLogin;
  for (const { repo, issue, record } of views) {
    if (record === null) continue;
    const key = issueKey(repo, issue.number);
    for (const entry of record.history)
      if (entry.note.includes(bot)) violated(`${key}: afk read its own act as a person's: "${entry.note}"`);
    if (record.phase !== "cancelled" && record.phase !== "taken-over") continue;
    const ending = `${record.attempt}/${record.phase}`;
    if (model.endingsSeen.get(key) === ending) continue;
    model.endingsSeen.set(key, ending);
    const stops = model.humanStops.get(key) ?? 0;
    if (stops <= (model.stopsUsed.get(key) ?? 0))
      violated(`${key}: attempt ${record.attempt} ${record.phase} though no person stopped it`);
    model.stopsUsed.set(key, stops);
  }
}

/** Every write afk made to an issue came back to it as a webhook (GitHub echoes an app's writes). */
function checkEveryWriteEchoed(model: ModelWorld, views: readonly IssueView[]): void {
  const { github } = model.world;
  const bot = github.identity.botLogin;
  const ECHOED = new Set(["labeled", "unlabeled", "closed", "reopened"]);
  let writes = 0;
  for (const { issue } of views) {
    writes += issue.events.filter((event) => event.actor === bot && ECHOED.has(event.event)).length;
    writes += issue.comments.filter((comment) => comment.author === bot).length;
  }
  const sent = new Map<string, Record<string, unknown>>();
  for (const attempt of github.deliveryAttempts) sent.set(attempt.delivery.id, attempt.delivery.payload);
  for (const pending of github.pendingWebhooks) sent.set(pending.id, pending.payload);
  let echoes = 0;
  for (const payload of sent.values()) {
    const sender = (payload.sender as { login?: string } | undefined)?.login;
    const action = payload.action;
    if (sender !== bot) continue;
    if ("comment" in payload ? action === "created" : typeof action === "string" && ECHOED.has(action)) echoes += 1;
  }
  if (echoes !== writes) violated(`afk made ${writes} writes on issues, GitHub echoed ${echoes}`);
}

/** After every command. */
export function checkAlways(model: ModelWorld): void {
  const views = viewIssues(model);
  checkOneAgentPerRepo(model);
  checkCap(model, views);
  checkNoticesOnce(views);
  checkTrustedDispatch(model, views);
  checkNoActOnEcho(model, views);
}

/** The labels a run in each resting state shows (true: on, false: off, absent: either). */
function expectedLabels(
  model: ModelWorld,
  record: RunRecord,
  untrustedReady: boolean,
  readyAfterEnd: boolean,
): Record<string, boolean> {
  const { ready, inProgress, human } = model.world.config.labels;
  if (isActive(record.phase)) return { [ready]: true, [inProgress]: true, [human]: false };
  // A ready label put back on by someone afk does not trust is theirs: the run still waits for a human.
  if (record.phase === "escalated")
    return untrustedReady
      ? { [inProgress]: false, [human]: true }
      : { [ready]: false, [inProgress]: false, [human]: true };
  // The ready label applied by a person after the run ended (on the closed issue) is theirs.
  if (record.phase === "shipped")
    return readyAfterEnd
      ? { [inProgress]: false, [human]: false }
      : { [ready]: false, [inProgress]: false, [human]: false };
  return { [inProgress]: false, [human]: false };
}

/** Once afk is quiet (no fault, no crash pending, every delivery made, swept). */
export function checkAtRest(model: ModelWorld): void {
  checkAlways(model);
  const views = viewIssues(model);
  checkEveryWriteEchoed(model, views);
  const ctx = { config: model.world.config, githubUrl: "https://github.com" };
  const busy = busyThreads(model);
  for (const { repo, issue, record, progress } of views) {
    const key = issueKey(repo, issue.number);
    if (progress.length > 1) violated(`${key}: ${progress.length} progress comments`);
    const last = lastReadyLabel(model, issue);
    const readyOn = issue.labels.includes(model.world.config.labels.ready);
    const freshTrustedLabel =
      issue.state === "open" &&
      readyOn &&
      last !== null &&
      isTrusted(model, last.actor) &&
      (record === null || record.endedAt === null || last.at > record.endedAt);
    const working = busy.find((thread) => thread.repo === repo && thread.issue === issue.number);
    if (record === null) {
      if (freshTrustedLabel) violated(`${key}: a trusted ready label, and no run`);
      // A dispatch afk never wrote down (it died after T3 took it) that a person then stopped.
      if (working !== undefined && !(issue.state === "open" && readyOn))
        violated(`${key}: an agent works on though its issue is ${issue.state} without a run or the ready label`);
      continue;
    }
    if (freshTrustedLabel && isTerminal(record.phase))
      violated(`${key}: a trusted ready label after attempt ${record.attempt} ${record.phase}, and no new run`);
    const body = progress.at(-1)?.body ?? "";
    if (!body.includes(renderStateBlock(record, ctx)))
      violated(`${key}: the progress comment does not say the record's state (${record.phase})`);
    const untrustedReady = readyOn && !isTrusted(model, last?.actor ?? null);
    const readyAfterEnd = readyOn && last !== null && record.endedAt !== null && last.at > record.endedAt;
    for (const [label, on] of Object.entries(expectedLabels(model, record, untrustedReady, readyAfterEnd)))
      if (issue.labels.includes(label) !== on)
        violated(`${key}: ${record.phase} (attempt ${record.attempt}) with labels [${issue.labels.join(", ")}]`);
    const reopened = issue.events.some(
      (event) =>
        event.kind === "reopened" &&
        event.actor !== model.world.github.identity.botLogin &&
        event.at > (record.endedAt ?? Infinity),
    );
    if (record.phase === "shipped" && issue.state !== "closed" && !reopened) violated(`${key}: shipped and still open`);
    if (isActive(record.phase) && issue.state === "closed" && record.closedByCommit === null)
      violated(`${key}: ${record.phase} on an issue a person closed`);
    if (working !== undefined && !isActive(record.phase))
      violated(`${key}: an agent works on though the run is ${record.phase}`);
  }
}
