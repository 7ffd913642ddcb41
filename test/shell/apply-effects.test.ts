import { describe, expect, it } from "vitest";
import { assertNever } from "../../src/core/common/assert-never.js";
import { defaultRepoConfig } from "../../src/core/config/config-types.js";
import type { Effect } from "../../src/core/run/effect.js";
import { newRun } from "../../src/core/run/run-start.js";
import type { RunRecord } from "../../src/core/run/run-types.js";
import { transition } from "../../src/core/run/transition.js";
import { applyEffects, type ApplyResult } from "../../src/shell/apply-effects.js";
import { aRecord, anIssue } from "../core/builders.js";
import {
  aWorld,
  botComments,
  CHANNEL,
  HUMAN,
  IN_PROGRESS,
  INSTALLATION,
  MAINTAINER,
  READY,
  REPO,
  SLACK,
  type World,
  type WorldOptions,
} from "./world.js";

interface Scene {
  readonly world: World;
  readonly issue: number;
  readonly record: RunRecord;
}

/** The scene's run is in afk's index (no progress comment yet), as every run whose effects afk applies is. */
function aScene(options: WorldOptions = {}): Scene {
  const world = aWorld(options);
  const issue = world.readyIssue({ title: "Widgets should spin" });
  const record = aRecord({ repo: REPO, issue, installationId: INSTALLATION, threadId: world.threadId(issue) });
  world.afk.index.load(REPO, issue, { record, commentId: null, notices: new Set() });
  return { world, issue, record };
}

const MARKER = "<!-- afk:notice escalated acme/widgets#1/1 1 -->";

function aNotice(text: string, marker: string = MARKER): Effect {
  return { kind: "PostNotice", marker, body: `${text}\n\n${marker}` };
}

function apply(scene: Scene, effects: readonly Effect[], commentId: number | null = null): Promise<ApplyResult> {
  return applyEffects(effects, { repo: REPO, issue: scene.issue }, commentId, scene.world.runDeps(scene.record));
}

/** The effects the core gives for dispatching the scene's issue: StartThread, AddLabels, UpsertProgressComment. */
function dispatchEffects(scene: Scene): readonly Effect[] {
  const { world, issue } = scene;
  const now = world.clock.now();
  const queued = newRun({
    repo: REPO,
    issue,
    installationId: INSTALLATION,
    attempt: 1,
    labeler: MAINTAINER,
    now,
    config: world.config,
  });
  const event = {
    kind: "DispatchApproved",
    issue: anIssue({ repo: REPO, number: issue, title: "Widgets should spin" }),
    labeler: MAINTAINER,
    defaultBranch: "main",
    cloneUrl: `https://github.com/${REPO}.git`,
    repoConfig: defaultRepoConfig(world.config),
    startedAt: null,
    approval: null,
  } as const;
  return transition(queued, event, now, { config: world.config }).effects;
}

function effectOf<K extends Effect["kind"]>(effects: readonly Effect[], kind: K): Extract<Effect, { kind: K }> {
  const found = effects.find((effect): effect is Extract<Effect, { kind: K }> => effect.kind === kind);
  if (found === undefined) throw new Error(`no ${kind}`);
  return found;
}

/** The scene's thread exists in T3 with a turn requested (as after a dispatch). */
async function withThread(scene: Scene): Promise<void> {
  const applied = await apply(scene, [effectOf(dispatchEffects(scene), "StartThread")]);
  if (!applied.ok) throw new Error(applied.message);
}

const doorbellOf = (scene: Scene): readonly { text: string; ts: string; threadTs: string | null }[] =>
  scene.world.doorbell.messages(CHANNEL);

describe("applyEffects: what each effect does to the world", () => {
  it("AddLabels puts the labels on the issue, creating afk's three labels in the repo first", async () => {
    const scene = aScene();
    const applied = await apply(scene, [{ kind: "AddLabels", labels: [IN_PROGRESS] }]);
    expect(applied).toEqual({ ok: true, commentId: null, followUps: [] });
    expect(scene.world.issue(scene.issue).labels).toEqual([IN_PROGRESS, READY]);
    expect(scene.world.github.knobs.count("ensureLabel")).toBe(3);
    expect(scene.world.github.snapshot().repos[0]?.labels).toEqual([IN_PROGRESS, READY, HUMAN].sort());
  });

  it("AddLabels creates afk's labels once per repo and process", async () => {
    const scene = aScene();
    await apply(scene, [{ kind: "AddLabels", labels: [IN_PROGRESS] }]);
    await apply(scene, [{ kind: "AddLabels", labels: [HUMAN] }]);
    expect(scene.world.github.knobs.count("ensureLabel")).toBe(3);
  });

  it("AddLabels tries afk's labels again after a failed attempt", async () => {
    const scene = aScene();
    scene.world.github.knobs.fail("ensureLabel", "transient");
    const failed = await apply(scene, [{ kind: "AddLabels", labels: [IN_PROGRESS] }]);
    expect(failed.ok).toBe(false);
    const applied = await apply(scene, [{ kind: "AddLabels", labels: [IN_PROGRESS] }]);
    expect(applied.ok).toBe(true);
    expect(scene.world.github.snapshot().repos[0]?.labels).toEqual([IN_PROGRESS, READY, HUMAN].sort());
  });

  it("RemoveLabels takes the labels off; one the issue does not carry is no failure", async () => {
    const scene = aScene();
    const applied = await apply(scene, [{ kind: "RemoveLabels", labels: [READY, HUMAN] }]);
    expect(applied.ok).toBe(true);
    expect(scene.world.issue(scene.issue).labels).toEqual([]);
  });

  it("RemoveLabels asks only for the labels the last removal's answer still lists (a 404 is charged all the same)", async () => {
    const scene = aScene();
    await apply(scene, [{ kind: "AddLabels", labels: [IN_PROGRESS] }]);
    const applied = await apply(scene, [{ kind: "RemoveLabels", labels: [READY, IN_PROGRESS, HUMAN] }]);
    expect(applied.ok).toBe(true);
    expect(scene.world.issue(scene.issue).labels).toEqual([]);
    const asked = scene.world.github.knobs.calls.filter((call) => call.method === "removeLabel");
    expect(asked.map((call) => call.args[2])).toEqual([READY, IN_PROGRESS]);
  });

  it("RemoveLabels asks for every label after one the issue did not carry (that answer lists nothing)", async () => {
    const scene = aScene();
    await apply(scene, [{ kind: "AddLabels", labels: [HUMAN] }]);
    await apply(scene, [{ kind: "RemoveLabels", labels: [IN_PROGRESS, HUMAN] }]);
    expect(scene.world.issue(scene.issue).labels).toEqual([READY]);
    const asked = scene.world.github.knobs.calls.filter((call) => call.method === "removeLabel");
    expect(asked.map((call) => call.args[2])).toEqual([IN_PROGRESS, HUMAN]);
  });

  it("UpsertProgressComment creates the progress comment and hands back its id", async () => {
    const scene = aScene();
    const applied = await apply(scene, [{ kind: "UpsertProgressComment", record: scene.record }]);
    const comments = botComments(scene.world, scene.issue);
    expect(comments).toHaveLength(1);
    expect(applied).toMatchObject({ ok: true, commentId: comments[0]?.id });
    expect(scene.world.recordOnGitHub(scene.issue)).toEqual(scene.record);
  });

  it("UpsertProgressComment edits the progress comment in place", async () => {
    const scene = aScene();
    const first = await apply(scene, [{ kind: "UpsertProgressComment", record: scene.record }]);
    const ci = { ...scene.record, phase: "ci" as const };
    const second = await apply(scene, [{ kind: "UpsertProgressComment", record: ci }], first.commentId);
    expect(second.commentId).toBe(first.commentId);
    expect(botComments(scene.world, scene.issue)).toHaveLength(1);
    expect(scene.world.recordOnGitHub(scene.issue)?.phase).toBe("ci");
  });

  it("UpsertProgressComment writes a progress comment a person deleted anew, and hands back the new id", async () => {
    const scene = aScene();
    const first = await apply(scene, [{ kind: "UpsertProgressComment", record: scene.record }]);
    scene.world.github.act.deleteComment(first.commentId ?? 0, MAINTAINER);
    const second = await apply(scene, [{ kind: "UpsertProgressComment", record: scene.record }], first.commentId);
    const comments = botComments(scene.world, scene.issue);
    expect(comments.map((comment) => comment.id)).toEqual([second.commentId]);
    expect(second.commentId).not.toBe(first.commentId);
  });

  it("PostNotice posts a new comment, beside the progress comment, and remembers its marker", async () => {
    const scene = aScene();
    const first = await apply(scene, [{ kind: "UpsertProgressComment", record: scene.record }]);
    const applied = await apply(scene, [aNotice("afk needs a human")], first.commentId);
    expect(applied.commentId).toBe(first.commentId);
    expect(botComments(scene.world, scene.issue).map((comment) => comment.body.slice(0, 17))).toEqual([
      expect.any(String),
      "afk needs a human",
    ]);
    expect(scene.world.afk.index.get(REPO, scene.issue)?.notices).toEqual(new Set([MARKER]));
  });

  it("PostNotice is posted once (issue 8): a notice whose marker the run already holds is not posted again", async () => {
    const scene = aScene();
    await apply(scene, [aNotice("afk needs a human")]);
    await apply(scene, [aNotice("afk needs a human")]);
    expect(botComments(scene.world, scene.issue)).toHaveLength(1);
    expect(scene.world.github.knobs.count("createComment")).toBe(1);
  });

  it("PostNotice finds its notice among afk's own comments before posting: a post whose answer was lost is not posted again", async () => {
    const scene = aScene();
    scene.world.github.knobs.failAfterApply("createComment", "timeout");
    expect(await apply(scene, [aNotice("afk needs a human")])).toMatchObject({ ok: false, failed: "PostNotice" });
    expect(scene.world.github.knobs.count("listComments")).toBe(0);
    expect(await apply(scene, [aNotice("afk needs a human")])).toMatchObject({ ok: true });
    expect(scene.world.github.knobs.count("listComments")).toBe(1);
    expect(botComments(scene.world, scene.issue)).toHaveLength(1);
    expect(scene.world.afk.index.get(REPO, scene.issue)?.notices).toEqual(new Set([MARKER]));
  });

  it("PostNotice reads no comments when the markers afk holds were read from them and every post since was answered", async () => {
    const scene = aScene();
    await apply(scene, [aNotice("afk needs a human")]);
    expect(scene.world.github.knobs.count("listComments")).toBe(0);
    expect(botComments(scene.world, scene.issue)).toHaveLength(1);
  });

  it("PostNotice reads the comments first for a run whose notices were never read (not loaded from its comments)", async () => {
    const world = aWorld();
    const issue = world.readyIssue({ title: "Widgets should spin" });
    const record = aRecord({ repo: REPO, issue, installationId: INSTALLATION, threadId: world.threadId(issue) });
    world.afk.index.setRecord(record, null);
    const scene = { world, issue, record };
    await apply(scene, [aNotice("afk needs a human")]);
    expect(world.github.knobs.count("listComments")).toBe(1);
    expect(botComments(world, issue)).toHaveLength(1);
  });

  it("PostNotice is not stopped by a person's comment that carries the marker: only afk's own comments count", async () => {
    const scene = aScene();
    scene.world.github.act.comment(REPO, scene.issue, "mallory", `not afk\n\n${MARKER}`);
    await apply(scene, [aNotice("afk needs a human")]);
    expect(botComments(scene.world, scene.issue).map((comment) => comment.body)).toEqual([
      `afk needs a human\n\n${MARKER}`,
    ]);
  });

  it.each(["completed", "not_planned"] as const)("CloseIssue closes the issue as %s", async (reason) => {
    const scene = aScene();
    await apply(scene, [{ kind: "CloseIssue", reason }]);
    expect(scene.world.issue(scene.issue)).toMatchObject({ state: "closed", stateReason: reason });
  });

  it("ReopenIssue reopens an issue the agent's own commit closed", async () => {
    const scene = aScene();
    scene.world.github.act.push(REPO, [{ message: `Spin\n\nFixes #${scene.issue}` }], { by: "afk-agent" });
    expect(scene.world.issue(scene.issue).state).toBe("closed");
    expect((await apply(scene, [{ kind: "ReopenIssue" }])).ok).toBe(true);
    expect(scene.world.issue(scene.issue).state).toBe("open");
  });

  it("StartThread creates the project, the thread and the opening turn in T3 with the effect's ids", async () => {
    const scene = aScene();
    const start = effectOf(dispatchEffects(scene), "StartThread");
    expect((await apply(scene, [start])).ok).toBe(true);
    expect(scene.world.agent.commands.map((command) => [command.type, command.commandId])).toEqual([
      ["project.create", start.commandIds.project],
      ["thread.create", start.commandIds.thread],
      ["thread.turn.start", start.commandIds.turn],
    ]);
    expect(scene.world.agent.snapshot()).toMatchObject({
      projects: [{ id: start.projectId, workspaceRoot: start.workspaceRoot }],
      threads: [{ id: start.threadId, title: start.title, turnRequested: true, messages: [{ text: start.text }] }],
    });
  });

  it("StartThread reuses the project that already owns the checkout", async () => {
    const scene = aScene();
    const start = effectOf(dispatchEffects(scene), "StartThread");
    scene.world.agent.seedProject({ id: "older-project", workspaceRoot: `${start.workspaceRoot}/` });
    expect((await apply(scene, [start])).ok).toBe(true);
    expect(scene.world.agent.commands.map((command) => command.type)).toEqual(["thread.create", "thread.turn.start"]);
    expect(scene.world.agent.thread(start.threadId)?.projectId).toBe("older-project");
  });

  it("StartThread without T3 configured fails without a port error", async () => {
    const scene = aScene({ agent: false });
    const applied = await apply(scene, [effectOf(dispatchEffects(scene), "StartThread")]);
    expect(applied).toMatchObject({ ok: false, failed: "StartThread", error: null });
    expect(!applied.ok && applied.message).toContain("T3 is not configured");
  });

  it("SendTurn sends a turn to the thread with its command and message ids", async () => {
    const scene = aScene();
    await withThread(scene);
    const threadId = scene.record.threadId;
    scene.world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: tests-green" });
    const turn: Effect = {
      kind: "SendTurn",
      threadId,
      commandId: "cmd-2",
      messageId: "msg-2",
      purpose: "relay",
      text: "Use blue",
    };
    expect((await apply(scene, [turn])).ok).toBe(true);
    expect(scene.world.agent.commands.at(-1)).toMatchObject({
      type: "thread.turn.start",
      commandId: "cmd-2",
      messageId: "msg-2",
      text: "Use blue",
    });
    expect(scene.world.agent.snapshot().threads[0]?.turnRequested).toBe(true);
  });

  it("InterruptTurn stops the running turn", async () => {
    const scene = aScene();
    await withThread(scene);
    const threadId = scene.record.threadId;
    scene.world.agent.pickUpTurn(threadId);
    expect((await apply(scene, [{ kind: "InterruptTurn", threadId, commandId: "cmd-stop" }])).ok).toBe(true);
    expect(scene.world.agent.latestTurn(threadId)?.state).toBe("interrupted");
  });

  it("InterruptTurn of a thread deleted in T3 succeeds: T3 refuses the command, and nothing is left to stop", async () => {
    const scene = aScene();
    await withThread(scene);
    scene.world.agent.deleteThread(scene.record.threadId);
    const applied = await apply(scene, [
      { kind: "InterruptTurn", threadId: scene.record.threadId, commandId: "cmd-stop" },
      { kind: "AddLabels", labels: [HUMAN] },
    ]);
    expect(applied.ok).toBe(true);
    expect(scene.world.issue(scene.issue).labels).toContain(HUMAN);
  });

  it("InterruptTurn refused for a thread T3 still has is a failure", async () => {
    const scene = aScene();
    await withThread(scene);
    scene.world.agent.knobs.fail("interruptTurn", "rejected");
    const applied = await apply(scene, [{ kind: "InterruptTurn", threadId: scene.record.threadId, commandId: "c" }]);
    expect(applied).toMatchObject({ ok: false, failed: "InterruptTurn", error: { category: "rejected" } });
  });

  it("RingDoorbell posts the doorbell with the run's metadata and reports its channel and ts as a DoorbellRung follow-up", async () => {
    const scene = aScene({ slack: true });
    const escalated = { ...scene.record, phase: "escalated" as const };
    const applied = await apply(scene, [{ kind: "RingDoorbell", record: escalated, mayHaveRung: false }]);
    const [rung] = scene.world.doorbell.messages(CHANNEL);
    expect(applied).toEqual({
      ok: true,
      commentId: null,
      followUps: [{ kind: "DoorbellRung", channel: CHANNEL, ts: rung?.ts }],
    });
    expect(rung?.metadata).toMatchObject({
      event_payload: { repo: REPO, issue: scene.issue, installation_id: INSTALLATION },
    });
    expect(rung?.text).toContain("Widgets should spin");
  });

  it("RingDoorbell updates a doorbell the record already names, in place", async () => {
    const scene = aScene({ slack: true });
    const ts = scene.world.doorbell.humanMessage(CHANNEL, "U0OLD", "an old doorbell");
    const escalated = { ...scene.record, phase: "escalated" as const, doorbell: { channel: CHANNEL, ts } };
    const applied = await apply(scene, [{ kind: "RingDoorbell", record: escalated, mayHaveRung: false }]);
    expect(applied).toMatchObject({ ok: true, followUps: [] });
    expect(doorbellOf(scene)).toHaveLength(1);
    expect(doorbellOf(scene)[0]?.text).not.toBe("an old doorbell");
  });

  it("RingDoorbell without Slack configured rings nothing and succeeds: the issue carries the escalation", async () => {
    const scene = aScene();
    const applied = await apply(scene, [{ kind: "RingDoorbell", record: scene.record, mayHaveRung: false }]);
    expect(applied).toEqual({ ok: true, commentId: null, followUps: [] });
    expect(scene.world.doorbell.knobs.calls).toHaveLength(0);
  });

  it("RingDoorbell that cannot ring succeeds with a DoorbellFailed follow-up (issue 8): a failed ring is recorded, not a failed transition", async () => {
    const scene = aScene({ slack: true });
    scene.world.doorbell.knobs.fail("postDoorbell", "rejected");
    const escalated = { ...scene.record, phase: "escalated" as const };
    const applied = await apply(scene, [
      { kind: "RingDoorbell", record: escalated, mayHaveRung: false },
      aNotice("after the ring"),
    ]);
    expect(applied).toEqual({
      ok: true,
      commentId: null,
      followUps: [{ kind: "DoorbellFailed", reason: expect.stringContaining("Slack rejected") }],
    });
    expect(doorbellOf(scene)).toEqual([]);
    expect(botComments(scene.world, scene.issue)).toHaveLength(1);
    expect(scene.world.logs.filter((line) => line.level === "warn")).toEqual([
      expect.objectContaining({
        msg: expect.stringContaining("afk tries again with backoff"),
        fields: expect.objectContaining({ system: "slack", category: "rejected", issue: scene.issue }),
      }),
    ]);
  });

  it("UpdateDoorbell failing is logged, not a failure (issue 8): the doorbell keeps its last words and the effects go on", async () => {
    const scene = aScene({ slack: true });
    const ts = scene.world.doorbell.humanMessage(CHANNEL, "U0OLD", "the doorbell");
    scene.world.doorbell.knobs.fail("updateDoorbell", "transient");
    const rung = { ...scene.record, phase: "shipped" as const, doorbell: { channel: CHANNEL, ts } };
    const applied = await apply(scene, [
      { kind: "UpdateDoorbell", record: rung, note: "Shipped" },
      { kind: "CloseIssue", reason: "completed" },
    ]);
    expect(applied).toEqual({ ok: true, commentId: null, followUps: [] });
    expect(scene.world.doorbell.message(CHANNEL, ts)?.text).toBe("the doorbell");
    expect(scene.world.issue(scene.issue).state).toBe("closed");
    expect(scene.world.logs.find((line) => line.level === "warn")?.msg).toContain("it keeps its last words");
  });

  it("UpdateDoorbell rewrites a rung doorbell in place, and does nothing for a run that never rang", async () => {
    const scene = aScene({ slack: true });
    const ts = scene.world.doorbell.humanMessage(CHANNEL, "U0OLD", "the doorbell");
    const rung = { ...scene.record, phase: "shipped" as const, doorbell: { channel: CHANNEL, ts } };
    await apply(scene, [{ kind: "UpdateDoorbell", record: rung, note: "Shipped" }]);
    await apply(scene, [{ kind: "UpdateDoorbell", record: { ...rung, doorbell: null }, note: "Shipped" }]);
    expect(doorbellOf(scene)).toHaveLength(1);
    expect(doorbellOf(scene)[0]?.text).toContain("Shipped");
    expect(scene.world.doorbell.knobs.count("updateDoorbell")).toBe(1);
  });

  it("ReplyInDoorbellThread replies in the doorbell's thread", async () => {
    const scene = aScene({ slack: true });
    const ts = scene.world.doorbell.humanMessage(CHANNEL, "U0OLD", "the doorbell");
    await apply(scene, [{ kind: "ReplyInDoorbellThread", channel: CHANNEL, threadTs: ts, text: "Relayed" }]);
    expect(doorbellOf(scene).map((message) => [message.text, message.threadTs])).toEqual([
      ["the doorbell", null],
      ["Relayed", ts],
    ]);
  });

  it("AnnounceShipped posts one line in the doorbell channel", async () => {
    const scene = aScene({ config: { slack: { ...SLACK, announceShipped: true } } });
    await apply(scene, [
      { kind: "AnnounceShipped", record: { ...scene.record, phase: "shipped", sha: "a".repeat(40) } },
    ]);
    expect(doorbellOf(scene)).toHaveLength(1);
    expect(doorbellOf(scene)[0]?.text).toContain(`${REPO}#${scene.issue}`);
  });

  it("AnnounceShipped failing does not fail the run: it is logged and the effects go on", async () => {
    const scene = aScene({ config: { slack: { ...SLACK, announceShipped: true } } });
    scene.world.doorbell.knobs.fail("postMessage", "rate-limited");
    const applied = await apply(scene, [
      { kind: "AnnounceShipped", record: scene.record },
      { kind: "CloseIssue", reason: "completed" },
    ]);
    expect(applied.ok).toBe(true);
    expect(scene.world.issue(scene.issue).state).toBe("closed");
    expect(scene.world.logs.find((line) => line.level === "warn")).toMatchObject({
      msg: expect.stringContaining("the run stays shipped"),
      fields: { system: "slack", category: "rate-limited", issue: scene.issue },
    });
  });

  it("ReconcileRepo asks for the repo to be reconciled now, after the current work", async () => {
    const scene = aScene();
    await apply(scene, [{ kind: "ReconcileRepo", repo: REPO, whenQueued: true }]);
    expect(scene.world.reconcileRequests).toEqual([REPO]);
  });
});

type Twin = "github" | "t3" | "slack";

/** One effect of each kind the failure table needs, for the scene's run. */
function anEffect(kind: Effect["kind"], scene: Scene): Effect {
  const { threadId } = scene.record;
  switch (kind) {
    case "StartThread":
      return effectOf(dispatchEffects(scene), "StartThread");
    case "SendTurn":
      return { kind, threadId, commandId: "c", messageId: "m", purpose: "relay", text: "hi" };
    case "InterruptTurn":
      return { kind, threadId, commandId: "c" };
    case "AddLabels":
      return { kind, labels: [HUMAN] };
    case "RemoveLabels":
      return { kind, labels: [READY] };
    case "UpsertProgressComment":
    case "AnnounceShipped":
      return { kind, record: scene.record };
    case "RingDoorbell":
      return { kind, record: scene.record, mayHaveRung: false };
    case "PostNotice":
      return aNotice("notice", "<!-- afk:notice shipped acme/widgets#1/1 1 -->");
    case "CloseIssue":
      return { kind, reason: "completed" };
    case "ReopenIssue":
      return { kind };
    case "UpdateDoorbell":
      return { kind, record: { ...scene.record, doorbell: { channel: CHANNEL, ts: "1.000100" } }, note: "Shipped" };
    case "ReplyInDoorbellThread":
      return { kind, channel: CHANNEL, threadTs: "1.000100", text: "hi" };
    case "ReconcileRepo":
      return { kind, repo: REPO, whenQueued: true };
    default:
      return assertNever(kind);
  }
}

/** The next call of `method` on the twin fails as `transient`. */
function failNext(world: World, twin: Twin, method: string): void {
  // The table names methods as strings; each twin checks them against its own port.
  if (twin === "github") world.github.knobs.fail(method as never, "transient");
  else if (twin === "t3") world.agent.knobs.fail(method as never, "transient");
  else world.doorbell.knobs.fail(method as never, "transient");
}

const FAILURES: readonly (readonly [Effect["kind"], Twin, string])[] = [
  ["AddLabels", "github", "ensureLabel"],
  ["AddLabels", "github", "addLabels"],
  ["RemoveLabels", "github", "removeLabel"],
  ["UpsertProgressComment", "github", "createComment"],
  ["PostNotice", "github", "createComment"],
  ["CloseIssue", "github", "closeIssue"],
  ["ReopenIssue", "github", "reopenIssue"],
  ["StartThread", "t3", "readOverview"],
  ["StartThread", "t3", "createProject"],
  ["StartThread", "t3", "createThread"],
  ["StartThread", "t3", "startTurn"],
  ["SendTurn", "t3", "startTurn"],
  ["InterruptTurn", "t3", "interruptTurn"],
  ["ReplyInDoorbellThread", "slack", "replyInThread"],
];

describe("applyEffects: the first failure stops the rest", () => {
  it.each(FAILURES)(
    "%s failing in %s (%s): names the failed effect and its PortError, applies nothing after it, logs what happens next",
    async (kind, twin, method) => {
      const scene = aScene({ slack: true });
      failNext(scene.world, twin, method);
      const applied = await apply(scene, [anEffect(kind, scene), aNotice("after the failure")]);
      expect(applied).toMatchObject({ ok: false, failed: kind, error: { system: twin, category: "transient" } });
      expect(botComments(scene.world, scene.issue).some((comment) => comment.body.startsWith("after the"))).toBe(false);
      expect(scene.world.logs.filter((line) => line.level === "warn")).toEqual([
        expect.objectContaining({
          msg: expect.stringContaining("the next delivery or sweep applies it again with the same ids"),
          fields: expect.objectContaining({ effect: kind, system: twin, category: "transient", issue: scene.issue }),
        }),
      ]);
    },
  );

  it("keeps the progress comment's id it got before the failure", async () => {
    const scene = aScene();
    scene.world.github.knobs.fail("closeIssue", "rejected");
    const applied = await apply(scene, [
      { kind: "UpsertProgressComment", record: scene.record },
      { kind: "CloseIssue", reason: "completed" },
    ]);
    expect(applied).toMatchObject({
      ok: false,
      failed: "CloseIssue",
      commentId: botComments(scene.world, scene.issue)[0]?.id,
    });
  });

  it("editing the progress comment failing for another reason than not-found creates no second comment", async () => {
    const scene = aScene();
    const first = await apply(scene, [{ kind: "UpsertProgressComment", record: scene.record }]);
    scene.world.github.knobs.fail("updateComment", "transient");
    const second = await apply(scene, [{ kind: "UpsertProgressComment", record: scene.record }], first.commentId);
    expect(second).toMatchObject({ ok: false, failed: "UpsertProgressComment", commentId: first.commentId });
    expect(botComments(scene.world, scene.issue)).toHaveLength(1);
  });
});

describe("applyEffects: applying the same effects twice leaves the world the same", () => {
  it("a dispatch applied twice: one thread, one progress comment, the same labels", async () => {
    const scene = aScene();
    const effects = dispatchEffects(scene);
    const first = await apply(scene, effects);
    const github = scene.world.github.snapshot().repos;
    const t3 = scene.world.agent.snapshot();
    const again = await apply(scene, effects, first.commentId);
    expect(again).toEqual(first);
    expect(scene.world.github.snapshot().repos).toEqual(github);
    expect(scene.world.agent.snapshot()).toEqual(t3);
    expect(scene.world.agent.snapshot().threads).toHaveLength(1);
    expect(botComments(scene.world, scene.issue)).toHaveLength(1);
  });

  it("a dispatch that failed half-way and is applied again finishes with one thread and one comment", async () => {
    const scene = aScene();
    const effects = dispatchEffects(scene);
    scene.world.github.knobs.fail("addLabels", "transient");
    const crashed = await apply(scene, effects);
    expect(crashed).toMatchObject({ ok: false, failed: "AddLabels" });
    const healed = await apply(scene, effects, crashed.commentId);
    expect(healed.ok).toBe(true);
    expect(scene.world.agent.snapshot().threads).toHaveLength(1);
    expect(scene.world.agent.commands).toHaveLength(3);
    expect(botComments(scene.world, scene.issue)).toHaveLength(1);
    expect(scene.world.issue(scene.issue).labels).toEqual([IN_PROGRESS, READY]);
  });

  it("labels are set-like: adding or removing twice records one event each", async () => {
    const scene = aScene();
    const labels: Effect[] = [
      { kind: "AddLabels", labels: [HUMAN] },
      { kind: "RemoveLabels", labels: [READY] },
    ];
    await apply(scene, labels);
    await apply(scene, labels);
    const events = scene.world.issue(scene.issue).events.map((event) => `${event.event} ${event.label ?? ""}`);
    expect(events).toEqual([`labeled ${READY}`, `labeled ${HUMAN}`, `unlabeled ${READY}`]);
  });
});
