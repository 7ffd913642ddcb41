// Maps a GitHub webhook to a nudge (nudge.ts). Pure: it reads the payload through the
// few fields afk relies on (contracts/github.md) and never trusts its shape: a payload
// that lacks one is ignored with the reason, never a crash.
//
// afk's own writes come back as webhooks whose sender is its bot: they are echoes, never
// a person's act (an escalation's own removal of the ready label is not a cancellation).

import { z } from "zod";
import type { ActorType } from "../common/github-types.js";
import { isSameText } from "../common/text.js";
import { decideOwnAct, type BotIdentity } from "./is-own-act.js";
import { toWoodpeckerNudge } from "../observe/decide-deploy.js";
import { IGNORE, type IssueSeen, type Nudge } from "./nudge.js";
import type { CiPayloadFact } from "../observe/decide-ci-payload.js";
import type { CheckRunFact, CommitFact } from "../observe/observe-types.js";
import { toWorkflowRunFact } from "../observe/workflow-run-fact.js";

export interface IngressContext {
  readonly readyLabel: string;
  readonly humanLabel: string;
  /** The app's bot user (`<slug>[bot]`), the sender of every echo of afk's own writes; null until known. */
  readonly self: BotIdentity | null;
}

const ACTOR_TYPES = ["User", "Bot", "Organization", "Mannequin"] as const satisfies readonly ActorType[];

const senderSchema = z.object({
  login: z.string().min(1),
  id: z.number().int().positive(),
  type: z.string().transform((type): ActorType => ACTOR_TYPES.find((known) => known === type) ?? "User"),
});
const repositorySchema = z.object({ full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/) });
const installationSchema = z.object({ id: z.number().int().positive() });

const issuesSchema = z.object({
  action: z.string(),
  issue: z.object({
    number: z.number().int().positive(),
    // The issue as the delivery saw it; a payload without them is still a nudge.
    title: z.string().optional().catch(undefined),
    body: z.string().nullish().catch(undefined),
    updated_at: z.iso.datetime({ offset: true }).optional().catch(undefined),
    comments: z.number().int().nonnegative().optional().catch(undefined),
    issue_dependencies_summary: z
      .object({ total_blocked_by: z.number().int().nonnegative() })
      .optional()
      .catch(undefined),
    labels: z
      .array(z.object({ name: z.string() }))
      .optional()
      .catch(undefined),
  }),
  label: z.object({ name: z.string() }).nullish(),
  sender: senderSchema,
  repository: repositorySchema,
  installation: installationSchema,
});

function toIssuesNudge(payload: unknown, ctx: IngressContext): Nudge {
  const parsed = issuesSchema.safeParse(payload);
  if (!parsed.success) return IGNORE(`issues payload without ${toFirstIssue(parsed.error)}`);
  const { action, issue, label, sender, repository, installation } = parsed.data;
  const repo = repository.full_name.toLowerCase();
  const own = decideOwnAct("issues", sender, ctx.self);
  if (own.kind === "own") return IGNORE(`an echo of afk's own act (issues.${action})`);
  if (own.kind === "unknown") return { kind: "needs-identity", repo };
  const base = { repo, installationId: installation.id, issue: issue.number, sender };
  const isLabel = (name: string): boolean => label !== null && label !== undefined && isSameText(label.name, name);
  const seen = toIssueSeen(issue);
  if (action === "labeled" && isLabel(ctx.readyLabel)) return { kind: "ready-labeled", ...base, ...seen };
  if (action === "unlabeled" && isLabel(ctx.readyLabel)) return { kind: "stopped", why: "label-removed", ...base };
  if (action === "unlabeled" && isLabel(ctx.humanLabel)) return { kind: "human-label-removed", ...base };
  if (action === "closed") return { kind: "stopped", why: "issue-closed", ...base };
  if (action === "edited") {
    // Only a ready issue's task can have been approved.
    const ready = issue.labels?.some((each) => isSameText(each.name, ctx.readyLabel)) ?? true;
    return ready ? { kind: "issue-edited", ...base, ...seen } : IGNORE("issues.edited on an issue that is not ready");
  }
  return IGNORE(`issues.${action} changes nothing afk follows`);
}

/** The task and the time of the change as the delivery carried them. */
function toIssueSeen(issue: z.infer<typeof issuesSchema>["issue"]): IssueSeen {
  const at = issue.updated_at === undefined ? null : Date.parse(issue.updated_at);
  const task = issue.title === undefined ? null : { title: issue.title, body: issue.body ?? null };
  const blockedBy = issue.issue_dependencies_summary?.total_blocked_by ?? null;
  return { at, task, comments: issue.comments ?? null, blockedBy };
}

const ciBase = { repository: repositorySchema, installation: installationSchema };
const CI_SCHEMAS = {
  check_run: z.object({
    ...ciBase,
    check_run: z.object({
      head_sha: z.string(),
      check_suite: z.object({ head_branch: z.string().nullable() }).nullish(),
    }),
  }),
  workflow_run: z.object({
    ...ciBase,
    workflow_run: z.object({ head_sha: z.string(), head_branch: z.string().nullable() }),
  }),
  status: z.object({ ...ciBase, sha: z.string(), context: z.string(), target_url: z.string().nullable() }),
  push: z.object({ ...ciBase, after: z.string(), ref: z.string() }),
} as const;

type CiEvent = keyof typeof CI_SCHEMAS;

// The facts a CI delivery carries, read apart from the nudge's own fields: a payload
// lacking one of them is still a nudge, only one whose fact must be read back.
const checkRunFactSchema = z.object({
  id: z.number(),
  head_sha: z.string(),
  name: z.string(),
  status: z.string(),
  conclusion: z.string().nullable(),
  app: z.object({ id: z.number(), slug: z.string().nullish() }).nullable(),
  check_suite: z.object({ id: z.number() }).nullish(),
  html_url: z.string().nullish(),
  details_url: z.string().nullish(),
  output: z.object({ title: z.string().nullish(), summary: z.string().nullish() }).nullish(),
});
const workflowRunFactSchema = z.object({
  id: z.number(),
  name: z.string().nullish(),
  event: z.string(),
  head_branch: z.string().nullable(),
  head_sha: z.string(),
  head_repository: z.object({ full_name: z.string() }).nullish(),
  run_attempt: z.number().int().positive().optional(),
  status: z.string().nullable(),
  conclusion: z.string().nullable(),
  check_suite_id: z.number().nullish(),
  html_url: z.string(),
});
const pushCommitsSchema = z.array(
  z.object({ id: z.string(), message: z.string(), timestamp: z.string(), url: z.string().nullish() }),
);
// Built once: zod compiles a schema when it is made, which per delivery cost more than the
// rest of a delivery's handling (the ingest bench).
const checkRunPayloadSchema = z.object({ check_run: checkRunFactSchema });
const workflowRunPayloadSchema = z.object({ workflow_run: workflowRunFactSchema });
const pushPayloadSchema = z.object({ commits: pushCommitsSchema });

function toCheckRunFact(payload: unknown): CiPayloadFact | null {
  const parsed = checkRunPayloadSchema.safeParse(payload);
  if (!parsed.success) return null;
  const run = parsed.data.check_run;
  const check: CheckRunFact = {
    id: run.id,
    name: run.name,
    status: run.status,
    conclusion: run.conclusion,
    appId: run.app?.id ?? null,
    appSlug: run.app?.slug ?? null,
    checkSuiteId: run.check_suite?.id ?? null,
    htmlUrl: run.html_url ?? null,
    detailsUrl: run.details_url ?? null,
    title: run.output?.title ?? null,
    summary: run.output?.summary ?? null,
  };
  return { kind: "check-run", sha: run.head_sha, check };
}

function toWorkflowRunPayloadFact(payload: unknown): CiPayloadFact | null {
  const parsed = workflowRunPayloadSchema.safeParse(payload);
  if (!parsed.success) return null;
  return { kind: "workflow-run", run: toWorkflowRunFact(parsed.data.workflow_run) };
}

/** A push's commits, newest first; null when the payload does not list them all readably. */
function toPushCommits(payload: unknown): CommitFact[] | null {
  const parsed = pushPayloadSchema.safeParse(payload);
  if (!parsed.success) return null;
  const commits: CommitFact[] = [];
  for (const commit of parsed.data.commits) {
    const committedAt = Date.parse(commit.timestamp);
    if (Number.isNaN(committedAt)) return null;
    commits.push({ sha: commit.id, message: commit.message, committedAt, url: commit.url ?? null });
  }
  // GitHub lists a push's commits oldest first.
  return commits.reverse();
}

function toCiNudge(event: CiEvent, payload: unknown): Nudge {
  const parsed = CI_SCHEMAS[event].safeParse(payload);
  if (!parsed.success) return IGNORE(`${event} payload without ${toFirstIssue(parsed.error)}`);
  const data = parsed.data;
  const base = {
    kind: "ci" as const,
    repo: data.repository.full_name.toLowerCase(),
    installationId: data.installation.id,
  };
  if ("check_run" in data)
    return {
      ...base,
      sha: data.check_run.head_sha,
      branch: data.check_run.check_suite?.head_branch ?? null,
      pipeline: null,
      push: false,
      fact: toCheckRunFact(payload),
      commits: null,
    };
  if ("workflow_run" in data)
    return {
      ...base,
      sha: data.workflow_run.head_sha,
      branch: data.workflow_run.head_branch,
      pipeline: null,
      push: false,
      fact: toWorkflowRunPayloadFact(payload),
      commits: null,
    };
  if ("context" in data)
    return {
      ...base,
      sha: data.sha,
      branch: null,
      pipeline: toWoodpeckerNudge(data.context, data.target_url),
      push: false,
      fact: null,
      commits: null,
    };
  return {
    ...base,
    sha: data.after,
    branch: data.ref.replace(/^refs\/heads\//, ""),
    pipeline: null,
    push: true,
    fact: null,
    commits: toPushCommits(payload),
  };
}

const repoListSchema = z.array(z.object({ full_name: z.string() })).nullish();
const installationEventSchema = z.object({
  action: z.string(),
  installation: installationSchema,
  repositories: repoListSchema,
  repositories_added: repoListSchema,
  repositories_removed: repoListSchema,
});

function toInstallationNudge(event: string, payload: unknown): Nudge {
  const parsed = installationEventSchema.safeParse(payload);
  if (!parsed.success) return IGNORE(`${event} payload without ${toFirstIssue(parsed.error)}`);
  const { action, installation, repositories, repositories_added: added, repositories_removed: removed } = parsed.data;
  const names = (list: typeof repositories): string[] => (list ?? []).map((repo) => repo.full_name.toLowerCase());
  if (event === "installation_repositories")
    return { kind: "installation", installationId: installation.id, added: names(added), removed: names(removed) };
  if (action === "deleted")
    return { kind: "installation", installationId: installation.id, added: [], removed: names(repositories) };
  return { kind: "installation", installationId: installation.id, added: names(repositories), removed: [] };
}

/** The nudge a delivery of `event` (GitHub's `X-GitHub-Event`) carries. */
export function toNudge(event: string, payload: unknown, ctx: IngressContext): Nudge {
  switch (event) {
    case "issues":
      return toIssuesNudge(payload, ctx);
    case "check_run":
    case "workflow_run":
    case "status":
    case "push":
      return toCiNudge(event, payload);
    case "installation":
    case "installation_repositories":
      return toInstallationNudge(event, payload);
    default:
      return IGNORE(`${event} events change nothing afk follows`);
  }
}

function toFirstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue === undefined || issue.path.length === 0 ? "the expected shape" : `a valid ${issue.path.join(".")}`;
}
