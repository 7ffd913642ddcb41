import { describe, expect, it } from "vitest";
import { toCommandId, toMessageId, toProjectId } from "../../src/core/run/ids.js";
import { RECORD_MARKER_PREFIX } from "../../src/core/run/record-codec.js";
import { observe } from "../../src/shell/observe-runs.js";
import { AFK_CONFIG_PATH } from "../../src/shell/dispatch-run.js";
import { reconcile } from "../../src/shell/reconcile-repo.js";
import { startUp } from "../../src/shell/start-up.js";
import { StepError } from "../../src/shell/step-error.js";
import {
  aDispatchedRun,
  aWorld,
  botComments,
  HUMAN,
  IN_PROGRESS,
  INSTALLATION,
  MAINTAINER,
  MINUTE,
  READY,
  REPO,
  type World,
} from "./world.js";

const OTHER = "acme/gadgets";

/** Every write afk made to GitHub and every command T3 accepted, to prove a step wrote nothing. */
function writesOf(world: World): { github: number; t3: number } {
  return { github: world.github.knobs.writes().length, t3: world.agent.commands.length };
}

describe("reconcile: a trusted ready label dispatches", () => {
  it("starts the agent's thread with the run's ids, takes the repo's lock label and writes one progress comment", async () => {
    const world = aWorld();
    const issue = world.readyIssue({ title: "Widgets should spin" });
    await world.reconcile();
    const key = { installationId: INSTALLATION, repo: REPO, issue, attempt: 1 };
    expect(world.agent.commands.map((command) => [command.type, command.commandId])).toEqual([
      ["project.create", expect.any(String)],
      ["thread.create", toCommandId(key, "thread.create")],
      ["thread.turn.start", toCommandId(key, "turn:1")],
    ]);
    const thread = world.agent.thread(world.threadId(issue));
    expect(thread).toMatchObject({
      projectId: toProjectId(INSTALLATION, REPO),
      title: `afk ${REPO}#${issue}: Widgets should spin`,
    });
    expect(world.agent.snapshot().threads[0]?.messages[0]?.text).toContain("Widgets should spin");
    expect(world.issue(issue).labels).toEqual([IN_PROGRESS, READY]);
    expect(botComments(world, issue)).toHaveLength(1);
    expect(world.recordOnGitHub(issue)).toMatchObject({ phase: "dispatched", labeler: MAINTAINER, attempt: 1 });
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", threadId: world.threadId(issue) });
    expect(world.afk.titles.get(REPO, issue)).toBe("Widgets should spin");
  });

  it("sends the opening turn with its deterministic message id", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    await world.reconcile();
    const key = { installationId: INSTALLATION, repo: REPO, issue, attempt: 1 };
    expect(world.agent.snapshot().threads[0]?.messages).toHaveLength(1);
    expect(world.agent.knobs.calls.find((call) => call.method === "startTurn")?.args[0]).toMatchObject({
      messageId: toMessageId(key, 1),
      threadId: world.threadId(issue),
    });
  });

  it("creates afk's three labels in the repo the first time it needs them", async () => {
    const world = aWorld();
    world.readyIssue();
    await world.reconcile();
    expect(world.github.snapshot().repos[0]?.labels).toEqual([IN_PROGRESS, READY, HUMAN].sort());
  });

  it("takes the labeler from the webhook's hint when the issue's events do not show its labeling yet (they lag)", async () => {
    const world = aWorld();
    const issue = world.readyIssue({ labeledBy: "stranger" });
    await reconcile(world.afk, REPO, INSTALLATION, { issue, labeler: world.github.user(MAINTAINER) });
    expect(world.record(issue)?.phase).toBe("dispatched");
  });

  it("judges a late webhook by the latest labeling: the label taken off and put back by someone untrusted since", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    world.github.act.label(REPO, issue, READY, "stranger");
    await reconcile(world.afk, REPO, INSTALLATION, { issue, labeler: world.github.user(MAINTAINER) });
    expect(world.record(issue)).toMatchObject({ phase: "queued", queuedReason: { kind: "labeler-untrusted" } });
    expect(world.agent.snapshot().threads).toHaveLength(0);
  });

  it("does nothing at all in a repo that is not enrolled", async () => {
    const world = aWorld({ repos: [REPO, OTHER], config: { allowlist: [REPO] } });
    world.readyIssue({ repo: OTHER });
    await world.reconcile(OTHER);
    expect(world.github.knobs.calls).toHaveLength(0);
  });
});

describe("reconcile: an untrusted ready label starts nothing", () => {
  it.each([
    [
      "a collaborator with the read role",
      (world: World) => world.readyIssue({ labeledBy: "reader" }),
      "reader",
      "read",
    ],
    [
      "a bot that is not allowlisted",
      (world: World) => world.readyIssue({ labeledBy: world.github.user("helper[bot]", "Bot") }),
      "helper[bot]",
      "bot",
    ],
  ])(
    "%s: no thread, no label; one comment says who applied it and which roles afk obeys",
    async (_who, makeIssue, login, standing) => {
      const world = aWorld();
      world.github.setRole(REPO, "reader", "read");
      const issue = makeIssue(world);
      await world.reconcile();
      expect(world.agent.commands).toEqual([]);
      expect(world.issue(issue).labels).toEqual([READY]);
      const comments = botComments(world, issue);
      expect(comments).toHaveLength(1);
      expect(comments[0]?.body).toContain(`applied by @\u200d${login.replace(/[[\]]/g, "\\$&")} (${standing})`);
      expect(comments[0]?.body).toContain("admin, maintain or write role");
      expect(world.record(issue)).toMatchObject({ phase: "queued", queuedReason: { kind: "labeler-untrusted" } });
      // Said once: the next reconcile writes nothing.
      const before = world.github.knobs.writes().length;
      await world.reconcile();
      expect(world.github.knobs.writes()).toHaveLength(before);
    },
  );

  it("the author of an issue template that applies the label: nothing at all, not even a comment", async () => {
    const world = aWorld();
    const issue = world.github.act.openIssue(REPO, "stranger", { title: "Please", labels: [READY] });
    await world.reconcile();
    expect(writesOf(world)).toEqual({ github: 0, t3: 0 });
    expect(botComments(world, issue)).toEqual([]);
    expect(world.logs.find((line) => line.msg === "ready issue not dispatched")?.fields).toMatchObject({
      reason: "labeler-untrusted",
      why: expect.stringContaining("stranger"),
    });
  });
});

describe("reconcile: a blocked issue is queued and says why once", () => {
  it.each([
    [
      "a native blocker",
      (world: World, blocker: number) => world.readyIssue({ blockedBy: [{ repo: REPO, number: blocker }] }),
    ],
    [
      "a Blocked by clause in the body",
      (world: World, blocker: number) => world.readyIssue({ body: `Blocked by #${blocker}` }),
    ],
  ])("%s: queued, the reason told in the progress comment, nothing written again", async (_how, makeIssue) => {
    const world = aWorld();
    const blocker = world.github.addIssue(REPO, { title: "Do this first" });
    const issue = makeIssue(world, blocker);
    await world.reconcile();
    expect(world.agent.commands).toEqual([]);
    expect(world.record(issue)).toMatchObject({
      phase: "queued",
      queuedReason: { kind: "blocked", by: [{ repo: REPO, number: blocker }] },
    });
    expect(botComments(world, issue)).toHaveLength(1);
    expect(botComments(world, issue)[0]?.body).toContain(`blocked by #${blocker}`);
    expect(world.issue(issue).labels).toEqual([READY]);
    const before = writesOf(world);
    await world.reconcile();
    expect(writesOf(world)).toEqual(before);
  });

  it("dispatches the issue once its blocker is closed", async () => {
    const world = aWorld();
    const blocker = world.github.addIssue(REPO);
    const issue = world.readyIssue({ body: `Blocked by #${blocker}` });
    await world.reconcile();
    world.github.act.close(REPO, blocker, MAINTAINER);
    await world.reconcile();
    expect(world.record(issue)?.phase).toBe("dispatched");
    expect(botComments(world, issue)).toHaveLength(1);
  });

  it("waits on a blocker in another repo and watches it, so that its close reconciles this repo", async () => {
    const world = aWorld({ repos: [REPO, OTHER] });
    const blocker = world.github.addIssue(OTHER);
    const issue = world.readyIssue({ body: `Blocked by ${OTHER}#${blocker}` });
    await world.reconcile();
    expect(world.record(issue)?.queuedReason).toEqual({
      kind: "blocked",
      by: [{ repo: OTHER, number: blocker }],
      unreadable: [],
      notRead: 0,
    });
    expect([...(world.afk.blockerWatch.get(`${OTHER}#${blocker}`) ?? [])]).toEqual([REPO]);
  });

  it("waits on a blocker it cannot read (unknown counts as open)", async () => {
    const world = aWorld();
    const issue = world.readyIssue({ body: "Blocked by elsewhere/private#3" });
    await world.reconcile();
    expect(world.record(issue)).toMatchObject({ phase: "queued", queuedReason: { kind: "blocked" } });
  });
});

describe("reconcile: one agent per repo, a cap across repos, priority first", () => {
  it("dispatches one of two ready issues and tells the other the repo is busy", async () => {
    const world = aWorld();
    const first = world.readyIssue();
    const second = world.readyIssue();
    await world.reconcile();
    expect(world.record(first)?.phase).toBe("dispatched");
    expect(world.record(second)).toMatchObject({ phase: "queued", queuedReason: { kind: "repo-busy", with: first } });
    expect(world.agent.snapshot().threads).toHaveLength(1);
    expect(botComments(world, second)[0]?.body).toContain(`#${first}`);
  });

  it("holds a ready issue in a second repo once the global cap is reached", async () => {
    const world = aWorld({ repos: [REPO, OTHER], config: { maxConcurrentRuns: 1 } });
    const running = world.readyIssue();
    await world.reconcile();
    const waiting = world.readyIssue({ repo: OTHER });
    await world.reconcile(OTHER);
    expect(world.record(running)?.phase).toBe("dispatched");
    expect(world.record(waiting, OTHER)).toMatchObject({
      phase: "queued",
      queuedReason: { kind: "cap-reached", cap: 1 },
    });
    expect(world.agent.snapshot().threads).toHaveLength(1);
  });

  it("starts a second repo's agent while the first's lock label is still being written", async () => {
    const world = aWorld({ repos: [REPO, OTHER] });
    const first = world.readyIssue();
    const second = world.readyIssue({ repo: OTHER });
    const label = world.github.knobs.hold("addLabels", { times: 1 });
    const firstDone = world.reconcile();
    await label.arrived();
    await world.reconcile(OTHER);
    expect(world.agent.snapshot().threads.map((thread) => thread.id)).toEqual([
      world.threadId(first),
      world.threadId(second, 1, OTHER),
    ]);
    label.release();
    await firstDone;
    expect(world.record(first)?.phase).toBe("dispatched");
  });

  it("counts a run T3 started toward the cap before its label and record are written", async () => {
    const world = aWorld({ repos: [REPO, OTHER], config: { maxConcurrentRuns: 1 } });
    const running = world.readyIssue();
    const waiting = world.readyIssue({ repo: OTHER });
    const label = world.github.knobs.hold("addLabels", { times: 1 });
    const firstDone = world.reconcile();
    await label.arrived();
    await world.reconcile(OTHER);
    expect(world.record(waiting, OTHER)).toMatchObject({ phase: "queued", queuedReason: { kind: "cap-reached" } });
    label.release();
    await firstDone;
    expect(world.record(running)?.phase).toBe("dispatched");
    expect(world.agent.snapshot().threads).toHaveLength(1);
  });

  it.each([
    ["the lowest priority:N label first", [{ labels: [] }, { labels: ["priority:1"] }], 2],
    ["no label counts as the default priority", [{ labels: ["priority:200"] }, { labels: [] }], 2],
    ["then the oldest issue", [{ createdAt: 2_000 }, { createdAt: 1_000 }], 2],
    ["then the lowest number", [{}, {}], 1],
  ])("dispatches %s", async (_rule, inputs, expected) => {
    const world = aWorld();
    for (const input of inputs) world.readyIssue(input);
    await world.reconcile();
    expect(
      world.afk.index
        .records()
        .filter((record) => record.phase === "dispatched")
        .map((r) => r.issue),
    ).toEqual([expected]);
  });
});

describe("reconcile: an unreadable run record is escalated (E4)", () => {
  it("hands the issue to a human in the same comment, with a notice, and starts no agent", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    const created = await world.issues().createComment(REPO, issue, `${RECORD_MARKER_PREFIX}{not json -->`);
    if (!created.ok) throw new Error("no comment");
    await world.reconcile();
    expect(world.agent.commands).toEqual([]);
    expect(world.record(issue)).toMatchObject({ phase: "escalated", escalation: { cause: "lost" } });
    expect(world.issue(issue).labels).toEqual([HUMAN]);
    const comments = botComments(world, issue);
    expect(comments.map((comment) => comment.id)).toEqual([created.value.id, expect.any(Number)]);
    expect(world.recordOnGitHub(issue)?.phase).toBe("escalated");
    expect(comments[1]?.body).toContain("afk needs a human");
  });

  it("ignores a marker pasted by a person: only afk's own comments hold the record", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    world.github.act.comment(REPO, issue, "mallory", `${RECORD_MARKER_PREFIX}{"v":2} -->`);
    await world.reconcile();
    expect(world.record(issue)?.phase).toBe("dispatched");
  });
});

describe("reconcile: a dispatch that crashed half-way is healed with the same ids", () => {
  it("finishes a dispatch whose lock label was never written, in the same thread, before any other issue", async () => {
    const world = aWorld();
    const crashed = world.readyIssue();
    world.github.knobs.fail("addLabels", "transient");
    await expect(world.reconcile()).rejects.toBeInstanceOf(StepError);
    expect(world.agent.snapshot().threads).toHaveLength(1);
    world.restart();
    const preferred = world.readyIssue({ labels: ["priority:1"] });
    await world.reconcile();
    expect(world.record(crashed)?.phase).toBe("dispatched");
    expect(world.record(preferred)).toMatchObject({ queuedReason: { kind: "repo-busy", with: crashed } });
    expect(world.agent.snapshot().threads.map((thread) => thread.id)).toEqual([world.threadId(crashed)]);
    expect(world.issue(crashed).labels).toContain(IN_PROGRESS);
    expect(botComments(world, crashed)).toHaveLength(1);
  });

  it("finishes a dispatch whose comment was never written: the in-progress label alone holds the repo", async () => {
    const world = aWorld();
    const crashed = world.readyIssue();
    world.github.knobs.fail("createComment", "transient");
    await expect(world.reconcile()).rejects.toBeInstanceOf(StepError);
    world.restart();
    world.readyIssue({ labels: ["priority:1"] });
    await world.reconcile();
    expect(world.record(crashed)?.phase).toBe("dispatched");
    expect(world.agent.snapshot().threads).toHaveLength(1);
    expect(botComments(world, crashed)).toHaveLength(1);
  });

  it("re-dispatches an issue that carries the in-progress label but has no record, holding the others", async () => {
    const world = aWorld();
    const marked = world.readyIssue({ labels: [IN_PROGRESS] });
    const other = world.readyIssue({ labels: ["priority:1"] });
    await world.reconcile();
    expect(world.record(marked)?.phase).toBe("dispatched");
    expect(world.record(other)?.queuedReason).toEqual({ kind: "repo-busy", with: marked });
  });
});

describe("reconcile: a failing read", () => {
  it.each([
    ["getRepo"],
    ["listOpenIssuesWithLabel"],
    ["listComments"],
    ["listIssueEvents"],
    ["getRole"],
    ["listNativeBlockers"],
    ["readFile"],
  ] as const)("%s failing throws a StepError and writes nothing", async (method) => {
    const world = aWorld();
    // A comment and a closed native blocker, so that there is something to read for each
    // (an issue GitHub lists with no comment or blocker is not read for them).
    const blocker = world.github.addIssue(REPO, { state: "closed" });
    world.github.act.comment(
      REPO,
      world.readyIssue({ blockedBy: [{ repo: REPO, number: blocker }] }),
      "drive-by",
      "+1",
    );
    world.github.knobs.fail(method, "transient");
    const failed = world.reconcile();
    await expect(failed).rejects.toBeInstanceOf(StepError);
    await expect(failed).rejects.toThrow(/GitHub transient/);
    expect(writesOf(world)).toEqual({ github: 0, t3: 0 });
  });

  it("T3's overview failing throws a StepError and writes nothing", async () => {
    const world = aWorld();
    world.readyIssue();
    world.agent.knobs.fail("readOverview", "timeout");
    await expect(world.reconcile()).rejects.toThrow(/reading T3's threads/);
    expect(writesOf(world)).toEqual({ github: 0, t3: 0 });
  });

  it("the same reconcile succeeds once the read answers again", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    world.github.act.comment(REPO, issue, "drive-by", "+1");
    world.github.knobs.fail("listComments", "rate-limited");
    await expect(world.reconcile()).rejects.toBeInstanceOf(StepError);
    await world.reconcile();
    expect(world.record(issue)?.phase).toBe("dispatched");
  });
});

describe("reconcile: an invalid .github/afk.yml", () => {
  it.each([
    ["an unknown key", "deploy_to: prod\n", "deploy_to"],
    ["text that is not YAML", "rollout: [unclosed\n", "not valid YAML"],
  ])("%s: said on the issue with the problem, not dispatched, and the repo is not held", async (_case, text, said) => {
    const world = aWorld();
    world.github.setFile(REPO, AFK_CONFIG_PATH, text);
    const issue = world.readyIssue();
    await world.reconcile();
    expect(world.agent.commands).toEqual([]);
    expect(world.record(issue)).toMatchObject({ phase: "queued", queuedReason: { kind: "repo-config-invalid" } });
    const comments = botComments(world, issue);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain(".github/afk.yml on the default branch cannot be used");
    expect(comments[0]?.body).toContain(said);
    expect(world.issue(issue).labels).not.toContain(world.config.labels.inProgress);
    // Fixed: the next reconcile dispatches it.
    world.github.setFile(REPO, AFK_CONFIG_PATH, "required_checks: [test]\n");
    await world.reconcile();
    expect(world.record(issue)?.phase).toBe("dispatched");
  });

  it("one unusable file refuses every ready issue of the repo, and none says the repo is busy", async () => {
    const world = aWorld();
    world.github.setFile(REPO, AFK_CONFIG_PATH, "budgets: 5\n");
    const first = world.readyIssue();
    const second = world.readyIssue();
    await world.reconcile();
    for (const issue of [first, second])
      expect(world.record(issue)?.queuedReason).toMatchObject({ kind: "repo-config-invalid" });
    expect(world.github.knobs.count("readFile")).toBe(1);
  });

  it("pins a valid file into the run record at dispatch", async () => {
    const world = aWorld();
    world.github.setFile(REPO, AFK_CONFIG_PATH, "required_checks: [test]\nwoodpecker: { repo: acme/deploy }\n");
    const issue = world.readyIssue();
    await world.reconcile();
    expect(world.record(issue)?.repoConfig).toMatchObject({ requiredChecks: ["test"], woodpeckerRepo: "acme/deploy" });
  });
});

describe("reconcile: the ready label on an escalated issue", () => {
  it("resumes the same thread when a trusted person applies it again", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    await world.reconcile();
    const threadId = world.threadId(issue);
    // The agent works a while: a read of T3 on the dispatch's own clock tick says nothing of its turn.
    world.clock.advance(MINUTE);
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: which colour?" });
    world.clock.advance(1);
    await observe(world.afk, REPO, INSTALLATION, { sweep: true });
    expect(world.record(issue)?.phase).toBe("escalated");
    world.clock.advance(MINUTE);
    world.github.act.label(REPO, issue, READY, MAINTAINER);
    await world.reconcile();
    expect(world.record(issue)).toMatchObject({
      phase: "dispatched",
      resumptions: [{ by: MAINTAINER, via: "github" }],
    });
    expect(world.agent.snapshot().threads).toHaveLength(1);
    expect(world.issue(issue).labels).toEqual([IN_PROGRESS, READY]);
  });
});

describe("reconcile: an escalated issue taken over and labelled ready again while afk was down", () => {
  it("ends the run taken over rather than resume it over the cap; their ready label stays, said stale (issue 8)", async () => {
    const world = aWorld({ repos: [REPO, OTHER], config: { maxConcurrentRuns: 1 } });
    const { issue, threadId } = await aDispatchedRun(world);
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: which colour?" });
    await observe(world.afk, REPO, INSTALLATION, { sweep: true });
    world.restart();
    world.clock.advance(MINUTE);
    world.github.act.unlabel(REPO, issue, HUMAN, MAINTAINER);
    world.github.act.label(REPO, issue, READY, MAINTAINER);
    const other = world.readyIssue({ repo: OTHER });
    await startUp(world.afk);
    expect(world.record(other, OTHER)?.phase).toBe("dispatched");
    expect(world.record(issue)).toMatchObject({ phase: "taken-over", attempt: 1 });
    expect(world.agent.latestTurn(threadId)?.state).not.toBe("running");
    expect(world.issue(issue).labels).toEqual([READY]);
    await world.reconcile();
    // Applied before afk heard of the take-over, the label approves no new attempt (issue 9): it says so.
    expect(world.record(issue)).toMatchObject({ phase: "queued", attempt: 2, queuedReason: { kind: "label-stale" } });
    expect(world.agent.snapshot().threads).toHaveLength(2);
  });
});

describe("reconcile: the ready label on an escalated issue, from someone afk does not trust", () => {
  it("does not resume the run: it keeps waiting for a human", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: which colour?" });
    world.clock.advance(1);
    await observe(world.afk, REPO, INSTALLATION, { sweep: true });
    world.github.act.label(REPO, issue, READY, "drive-by");
    await world.reconcile();
    expect(world.record(issue)?.phase).toBe("escalated");
    expect(
      world.logs.some((line) => line.msg.startsWith("ready label on an escalated issue, not from a trusted person")),
    ).toBe(true);
  });
});

describe("reconcile: a step that fails for one issue", () => {
  it("does not stop the others: the reconcile throws once the rest is done", async () => {
    const world = aWorld();
    const first = world.readyIssue();
    const second = world.readyIssue();
    world.github.knobs.fail("createComment", "transient", { when: ([, issue]) => issue === second });
    await expect(world.reconcile()).rejects.toThrow(`${REPO}: telling #${second} why it waits failed`);
    expect(world.record(first)?.phase).toBe("dispatched");
    // The comment may have landed all the same: afk keeps the run marked for a check that reads it back.
    expect(world.recordOnGitHub(second)).toBeNull();
    expect(world.afk.index.get(REPO, second)).toMatchObject({ record: { phase: "queued" }, needsCheck: true });
    await world.reconcile();
    expect(botComments(world, second)).toHaveLength(1);
    expect(world.recordOnGitHub(second)).toMatchObject({ phase: "queued", queuedReason: { kind: "repo-busy" } });
  });
});
