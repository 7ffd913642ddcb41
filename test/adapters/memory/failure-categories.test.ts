// A twin that answers a situation with another category than the real adapter would is
// kinder (or harsher) than the system: the shell's policy would be tested against a
// world that does not exist. Each table states a situation, the wire answer the real
// system gives, and checks the twin's category against the real adapter's pure mapping
// (src/adapters/*/…-errors.ts) of that answer, in the ports' one vocabulary
// (src/ports/result.ts).

import { describe, expect, it } from "vitest";
import { toGitHubError } from "../../../src/adapters/github/github-error.js";
import { toKubeCategory as toKubeErrorCategory } from "../../../src/adapters/kubernetes/kube-errors.js";
import { toInjectedError } from "../../../src/adapters/memory/knobs.js";
import { MemoryAgentRunner } from "../../../src/adapters/memory/memory-agent-runner.js";
import { MemoryDeployReader } from "../../../src/adapters/memory/memory-deploy-reader.js";
import { MemoryDoorbell } from "../../../src/adapters/memory/memory-doorbell.js";
import { MemoryGitHub } from "../../../src/adapters/memory/memory-github.js";
import { MemoryRolloutReader } from "../../../src/adapters/memory/memory-rollout-reader.js";
import { MemoryVersionReader } from "../../../src/adapters/memory/memory-version-reader.js";
import { toCodeCategory } from "../../../src/adapters/slack/slack-errors.js";
import { toT3Category as toT3CategoryOf } from "../../../src/adapters/t3/t3-errors.js";
import { toVersionUrlCategory } from "../../../src/adapters/version-url/version-url-client.js";
import { toWoodpeckerCategory } from "../../../src/adapters/woodpecker/woodpecker-errors.js";
import type { ErrorCategory, PortError, Result } from "../../../src/ports/result.js";

/** The adapters answer in the ports' vocabulary: a category, alone or with its detail. */
function toPortCategory(answer: ErrorCategory | { readonly category: ErrorCategory }): ErrorCategory {
  return typeof answer === "string" ? answer : answer.category;
}

const toT3Category = (status: number, reason: string | null = null): ErrorCategory =>
  toT3CategoryOf(status, { tag: null, reason }).category;

function errorOf(result: Result<unknown>): PortError {
  if (result.ok) throw new Error("the twin answered a success");
  return result.error;
}

const gitHubCategory = (status: number, message = ""): ErrorCategory =>
  toPortCategory(toGitHubError({ status, message }, 0).category);

describe("the GitHub twin fails as the GitHub adapter does", () => {
  const REPO = "acme/web";
  const aWorld = (): MemoryGitHub => {
    const github = new MemoryGitHub();
    github.addRepo(REPO, { installationId: 1 });
    github.addRepo("ghes/app", { installationId: 1, nativeBlockers: false });
    github.addIssue("ghes/app");
    return github;
  };

  it.each([
    ["an unknown issue (404)", (g: MemoryGitHub) => g.issueTracker(1).getIssue(REPO, 99), 404],
    ["a repo outside the installation (404)", (g: MemoryGitHub) => g.issueTracker(2).getRepo(REPO), 404],
    [
      "an update of a deleted comment (404)",
      async (g: MemoryGitHub) => {
        const id = g.act.comment(REPO, g.addIssue(REPO), "maria", "x");
        g.act.deleteComment(id, "maria");
        return g.issueTracker(1).updateComment(REPO, id, "y");
      },
      404,
    ],
    [
      "blockers without the endpoint (404)",
      (g: MemoryGitHub) => g.issueTracker(1).listNativeBlockers("ghes/app", 1),
      404,
    ],
    ["jobs of an unknown run (404)", (g: MemoryGitHub) => g.ciReader(1).listJobs(REPO, 1, 1), 404],
    ["commits of an unknown branch (404)", (g: MemoryGitHub) => g.ciReader(1).listCommitsSince(REPO, "nope", 0), 404],
    ["a redelivery of an unknown delivery (404)", (g: MemoryGitHub) => g.app().redeliver(1), 404],
  ] as const)("%s", async (_situation, call, status) => {
    const error = errorOf(await call(aWorld()));
    expect(error.category).toBe(gitHubCategory(status));
    expect(error.status).toBe(status);
  });

  it.each(["rate-limited", "not-found", "transient", "unauthorized", "invalid-response", "rejected"] as const)(
    "an injected %s failure has a status the adapter reads the same way",
    (category) => {
      const error = toInjectedError("github", category, "getIssue");
      expect(gitHubCategory(error.status ?? 0, error.message)).toBe(category);
    },
  );
});

describe("the T3 twin fails as the T3 adapter does", () => {
  const project = { commandId: "c1", projectId: "p1", title: "web", workspaceRoot: "/w" };
  const thread = {
    commandId: "c2",
    threadId: "t1",
    projectId: "p1",
    title: "web#1",
    model: { instanceId: "codex", model: "gpt" },
    runtimeMode: "full-access",
  } as const;

  it.each([
    ["a thread in an unknown project", (t3: MemoryAgentRunner) => t3.createThread(thread), 500],
    [
      "a second project on one workspace root",
      async (t3: MemoryAgentRunner) => {
        await t3.createProject(project);
        return t3.createProject({ ...project, commandId: "c9", projectId: "p2" });
      },
      500,
    ],
    [
      "a command id reused for another thread",
      async (t3: MemoryAgentRunner) => {
        await t3.createProject(project);
        await t3.createThread(thread);
        return t3.createThread({ ...thread, threadId: "t2" });
      },
      500,
    ],
    [
      "a relative workspace root (400)",
      (t3: MemoryAgentRunner) => t3.createProject({ ...project, workspaceRoot: "w" }),
      400,
    ],
    ["an unknown thread's detail (404)", (t3: MemoryAgentRunner) => t3.readThread("nope"), 404],
  ] as const)("%s", async (_situation, call, status) => {
    const error = errorOf(await call(new MemoryAgentRunner()));
    const reason = status === 500 ? "orchestration_dispatch_failed" : null;
    expect(error.category).toBe(toPortCategory(toT3Category(status, reason)));
    expect(error.status).toBe(status);
  });

  it.each([
    ["rejected", "orchestration_dispatch_failed"],
    ["not-found", null],
    ["transient", null],
    ["unauthorized", null],
    ["invalid-response", null],
  ] as const)("an injected %s failure has a status the adapter reads the same way", (category, reason) => {
    const error = toInjectedError("t3", category, "createThread");
    expect(toPortCategory(toT3Category(error.status ?? 0, reason))).toBe(category);
  });
});

describe("the Woodpecker twin fails as the Woodpecker adapter does", () => {
  it.each([
    ["an unknown repo (404)", (w: MemoryDeployReader) => w.lookupRepoId("acme/nope"), 404],
    ["an unknown pipeline (404)", (w: MemoryDeployReader) => w.getPipeline(w.addRepo("acme/web"), 7), 404],
    [
      "pipelines of an unknown repo id (404)",
      (w: MemoryDeployReader) => w.findPipelines(9, { branch: "main", after: 0 }),
      404,
    ],
  ] as const)("%s", async (_situation, call, status) => {
    const error = errorOf(await call(new MemoryDeployReader()));
    expect(error.category).toBe(toPortCategory(toWoodpeckerCategory(status)));
  });

  it("refuses a malformed repo name locally, as the adapter does (invalid-request)", async () => {
    const error = errorOf(await new MemoryDeployReader().lookupRepoId("acme"));
    expect(error.category).toBe("rejected");
  });

  it.each(["not-found", "transient", "unauthorized", "invalid-response", "rejected"] as const)(
    "an injected %s failure has a status the adapter reads the same way",
    (category) => {
      const error = toInjectedError("woodpecker", category, "getPipeline");
      expect(toPortCategory(toWoodpeckerCategory(error.status ?? 0))).toBe(category);
    },
  );
});

describe("the Kubernetes and version URL twins fail as their adapters do", () => {
  it.each([
    ["a missing Deployment (404)", (k: MemoryRolloutReader) => k.getDeployment("prod", "web"), 404],
    [
      "a namespace RBAC does not allow (403)",
      (k: MemoryRolloutReader) => {
        k.setAccess("prod", false);
        return k.getDeployment("prod", "web");
      },
      403,
    ],
  ] as const)("%s", async (_situation, call, status) => {
    const error = errorOf(await call(new MemoryRolloutReader()));
    expect(error.category).toBe(toPortCategory(toKubeErrorCategory(status)));
  });

  it.each(["not-found", "transient", "unauthorized", "invalid-response"] as const)(
    "an injected Kubernetes %s failure has a status the adapter reads the same way",
    (category) => {
      const error = toInjectedError("kubernetes", category, "getDeployment");
      expect(toPortCategory(toKubeErrorCategory(error.status ?? 0))).toBe(category);
    },
  );

  it.each([404, 410, 408, 429, 500, 503, 401, 403, 418])("a version URL answering %i", async (status) => {
    const urls = new MemoryVersionReader();
    urls.setAnswer("https://acme.example/v", { status });
    const error = errorOf(await urls.read("https://acme.example/v"));
    expect(error.category).toBe(toPortCategory(toVersionUrlCategory(status)));
  });

  it("a version URL that is not absolute http(s) (invalid-url)", async () => {
    const error = errorOf(await new MemoryVersionReader().read("/version"));
    expect(error.category).toBe("rejected");
  });
});

describe("the Slack twin fails as the Slack adapter does", () => {
  const CHANNEL = "C0AFK";
  const post = { channel: CHANNEL, text: "x", blocks: [], metadata: { event_type: "afk", event_payload: {} } };

  it.each([
    [
      "a channel the bot was not invited to",
      (s: MemoryDoorbell) => {
        s.addChannel("C0QUIET", { botIsMember: false });
        return s.postDoorbell({ ...post, channel: "C0QUIET" });
      },
    ],
    ["an unknown channel", (s: MemoryDoorbell) => s.postMessage({ channel: "C0NOPE", text: "x" })],
    ["an update of an unknown message", (s: MemoryDoorbell) => s.updateDoorbell({ ...post, ts: "1.0" })],
    [
      "a reply to an unknown thread",
      (s: MemoryDoorbell) => s.replyInThread({ channel: CHANNEL, threadTs: "1.0", text: "x" }),
    ],
    [
      "the parent of an unknown thread",
      (s: MemoryDoorbell) => s.readThreadParent({ channel: CHANNEL, threadTs: "1.0" }),
    ],
    [
      "an ephemeral to a non-member",
      (s: MemoryDoorbell) => {
        s.addChannel("C0TEAM", { members: [] });
        return s.postEphemeral({ channel: "C0TEAM", user: "U0BOB", text: "x", threadTs: null });
      },
    ],
    [
      "a reaction with a bad name",
      (s: MemoryDoorbell) =>
        s.addReaction({ channel: CHANNEL, ts: s.humanMessage(CHANNEL, "U1", "x"), name: "Bad Name" }),
    ],
    ["a message without text or blocks", (s: MemoryDoorbell) => s.postMessage({ channel: CHANNEL, text: "" })],
  ] as const)("%s", async (_situation, call) => {
    const error = errorOf(await call(new MemoryDoorbell()));
    expect(error.detail).not.toBeNull();
    expect(error.category).toBe(toPortCategory(toCodeCategory(error.detail ?? "")));
  });

  it.each(["rate-limited", "not-found", "transient", "unauthorized", "rejected"] as const)(
    "an injected %s failure carries a Slack code the adapter reads the same way",
    (category) => {
      const error = toInjectedError("slack", category, "postDoorbell");
      expect(toPortCategory(toCodeCategory(error.detail ?? ""))).toBe(category);
    },
  );
});
