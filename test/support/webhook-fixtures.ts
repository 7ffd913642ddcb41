// Webhook payloads for tests, built from the payloads GitHub really sent, as recorded in
// `@octokit/webhooks-examples` (one definition per event name, its examples carrying
// `action`). Each loader returns a deep clone, so a test may mutate what it gets.
//
// Defaults are one coherent world: repo `Codertocat/Hello-World`, owned by the user
// `Codertocat` (id 21031067), who is also the default sender; installation
// DEFAULT_INSTALLATION_ID. The examples were captured from repository webhooks and lack
// the `installation` an App receives, so every loader adds `{ id, node_id }`.
// Overrides rewrite every place the value shows, URLs included; ids not given are
// derived from names, so the same login or repo always gets the same id.

import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { WebhookDefinition } from "@octokit/webhooks-examples";

type Example<
  N extends
    | "issues"
    | "issue_comment"
    | "installation"
    | "installation_repositories"
    | "workflow_run"
    | "check_run"
    | "status"
    | "push",
> = WebhookDefinition<N>["examples"][number];
type User = Example<"issues">["sender"];
type Repository = Example<"issues">["repository"];
type Label = Example<"issues">["issue"]["labels"] extends (infer L)[] | undefined ? L : never;
type RepositoryEntry = { id: number; node_id: string; name: string; full_name: string; private: boolean };

export interface InstallationLite {
  id: number;
  node_id: string;
}
export type WithInstallation<T> = T & { installation: InstallationLite };

export interface SenderOverrides {
  readonly login?: string;
  readonly id?: number;
  readonly type?: User["type"];
}

export interface EventOverrides {
  /** `owner/name`. */
  readonly repo?: string;
  readonly ownerType?: "User" | "Organization";
  readonly sender?: SenderOverrides;
  readonly installationId?: number;
}

export interface IssueOverrides extends EventOverrides {
  readonly issueNumber?: number;
  /** The label the event is about: added to `issue.labels` (removed for `unlabeled`). */
  readonly label?: string;
  /** The issue's other labels; the example's own (`bug`) when absent. */
  readonly issueLabels?: readonly string[];
}

export const DEFAULT_INSTALLATION_ID = 4242;
export const DEFAULT_REPO = "Codertocat/Hello-World";
const EXAMPLE_LOGIN = "Codertocat";
const EXAMPLE_USER_ID = 21031067;
const EXAMPLE_REPO_ID = 186853002;

let definitions: readonly WebhookDefinition[] | undefined;

function examplesOf(name: string): readonly unknown[] {
  definitions ??= createRequire(import.meta.url)("@octokit/webhooks-examples") as WebhookDefinition[];
  return definitions.find((definition) => definition.name === name)?.examples ?? [];
}

/** A deep clone of the first recorded `name` example that `pick` accepts. */
function cloneExample<T>(name: string, pick: (example: T) => boolean): T {
  const found = (examplesOf(name) as T[]).find(pick);
  if (found === undefined) throw new Error(`@octokit/webhooks-examples has no such ${name} example`);
  return structuredClone(found);
}

function byAction<T>(action: string): (example: T) => boolean {
  return (example) => (example as { action?: string }).action === action;
}

// ---------------------------------------------------------------------------
// Loaders.

export type IssuesAction = "labeled" | "unlabeled" | "closed" | "opened" | "reopened" | "edited";
export type IssuesEventOf<A extends IssuesAction> = WithInstallation<Extract<Example<"issues">, { action: A }>>;

export function anIssuesEvent<A extends IssuesAction>(action: A, overrides: IssueOverrides = {}): IssuesEventOf<A> {
  // The examples hold no `closed` delivery: close an `opened` one, as GitHub would report it.
  const event = cloneExample<Example<"issues">>("issues", byAction(action === "closed" ? "opened" : action));
  if (action === "closed") {
    Object.assign(event, { action: "closed" });
    Object.assign(event.issue, { state: "closed", closed_at: event.issue.updated_at, state_reason: "completed" });
  }
  const installed = applyEventOverrides(event, overrides);
  if (overrides.issueNumber !== undefined) renumberIssue(installed.issue, overrides.issueNumber);
  relabelIssue(installed, action, overrides);
  return installed as IssuesEventOf<A>;
}

export type IssueCommentAction = "created" | "edited";
export type IssueCommentEventOf<A extends IssueCommentAction> = WithInstallation<
  Extract<Example<"issue_comment">, { action: A }>
>;
export interface IssueCommentOverrides extends EventOverrides {
  readonly issueNumber?: number;
  readonly issueLabels?: readonly string[];
}

/** A comment on an issue (not a pull request: the recorded example's issue has no `pull_request`). */
export function anIssueCommentEvent<A extends IssueCommentAction>(
  action: A,
  overrides: IssueCommentOverrides = {},
): IssueCommentEventOf<A> {
  const event = cloneExample<Example<"issue_comment">>(
    "issue_comment",
    (example) => example.action === action && !("pull_request" in example.issue),
  );
  const installed = applyEventOverrides(event, overrides);
  if (overrides.issueNumber !== undefined) renumberIssue(installed.issue, overrides.issueNumber);
  const template = installed.issue.labels?.[0];
  if (overrides.issueLabels !== undefined && template !== undefined)
    installed.issue.labels = overrides.issueLabels.map((name) =>
      toLabel(template, installed.repository.full_name, name),
    );
  return installed as IssueCommentEventOf<A>;
}

export type InstallationAction = "created" | "deleted" | "suspend" | "unsuspend" | "new_permissions_accepted";
export interface InstallationOverrides {
  readonly installationId?: number;
  /** The account the App is installed on; `Codertocat` when absent. */
  readonly account?: string;
  /** The repositories the event lists (for the actions whose example lists them). */
  readonly repos?: readonly string[];
  readonly sender?: SenderOverrides;
}

export function anInstallationEvent<A extends InstallationAction>(
  action: A,
  overrides: InstallationOverrides = {},
): Extract<Example<"installation">, { action: A }> {
  const event = cloneExample<Extract<Example<"installation">, { action: A }>>("installation", byAction(action));
  event.installation.id = overrides.installationId ?? DEFAULT_INSTALLATION_ID;
  event.installation.account = toUser(event.installation.account, { login: overrides.account ?? EXAMPLE_LOGIN });
  if ("repositories" in event && event.repositories !== undefined)
    event.repositories = (overrides.repos ?? [DEFAULT_REPO]).map(toRepositoryEntry);
  event.sender = toUser(event.sender, overrides.sender ?? {});
  return event;
}

export type InstallationRepositoriesAction = "added" | "removed";
export interface InstallationRepositoriesOverrides {
  readonly installationId?: number;
  readonly account?: string;
  /** The repositories added (or removed, by the action); the other list is empty, as GitHub sends it. */
  readonly repos?: readonly string[];
  readonly sender?: SenderOverrides;
}

export function anInstallationRepositoriesEvent<A extends InstallationRepositoriesAction>(
  action: A,
  overrides: InstallationRepositoriesOverrides = {},
): Extract<Example<"installation_repositories">, { action: A }> {
  const event = cloneExample<Extract<Example<"installation_repositories">, { action: A }>>(
    "installation_repositories",
    byAction(action),
  );
  event.installation.id = overrides.installationId ?? DEFAULT_INSTALLATION_ID;
  event.installation.account = toUser(event.installation.account, { login: overrides.account ?? EXAMPLE_LOGIN });
  const repos = (overrides.repos ?? [DEFAULT_REPO]).map(toRepositoryEntry);
  Object.assign(event, {
    repositories_added: action === "added" ? repos : [],
    repositories_removed: action === "removed" ? repos : [],
  });
  event.sender = toUser(event.sender, overrides.sender ?? {});
  return event;
}

export type WorkflowRunAction = "requested" | "in_progress" | "completed";
type WorkflowConclusion = Extract<Example<"workflow_run">, { action: "completed" }>["workflow_run"]["conclusion"];
export interface WorkflowRunOverrides extends EventOverrides {
  readonly sha?: string;
  /** Only for `completed`; `success` when absent. */
  readonly conclusion?: WorkflowConclusion;
  readonly runAttempt?: number;
}
export type WorkflowRunEventOf<A extends WorkflowRunAction> = WithInstallation<
  Extract<Example<"workflow_run">, { action: A }>
>;

export function aWorkflowRunEvent<A extends WorkflowRunAction>(
  action: A,
  overrides: WorkflowRunOverrides = {},
): WorkflowRunEventOf<A> {
  if (action !== "completed" && overrides.conclusion !== undefined)
    throw new Error(`a ${action} workflow run has no conclusion`);
  // One example (Codertocat/Hello-World, recorded as queued) set to each action's status.
  const event = cloneExample<Example<"workflow_run">>("workflow_run", byAction("completed"));
  const statuses = { requested: "queued", in_progress: "in_progress", completed: "completed" } as const;
  Object.assign(event, { action });
  Object.assign(event.workflow_run, {
    status: statuses[action],
    conclusion: action === "completed" ? (overrides.conclusion ?? "success") : null,
    run_attempt: overrides.runAttempt ?? event.workflow_run.run_attempt,
  });
  const installed = applyEventOverrides(event, overrides);
  if (overrides.sha !== undefined) replaceInStrings(installed, event.workflow_run.head_sha, overrides.sha);
  return installed as WorkflowRunEventOf<A>;
}

export type CheckRunAction = "created" | "completed" | "rerequested" | "requested_action";
type CheckRunCompleted = Extract<Example<"check_run">, { action: "completed" }>;
export interface CheckRunOverrides extends EventOverrides {
  readonly sha?: string;
  readonly name?: string;
  /** Only for `completed`; the recorded `success` when absent. */
  readonly conclusion?: CheckRunCompleted["check_run"]["conclusion"];
}
export type CheckRunEventOf<A extends CheckRunAction> = WithInstallation<Extract<Example<"check_run">, { action: A }>>;

export function aCheckRunEvent<A extends CheckRunAction>(
  action: A,
  overrides: CheckRunOverrides = {},
): CheckRunEventOf<A> {
  if (action !== "completed" && overrides.conclusion !== undefined)
    throw new Error(`a ${action} check run has no conclusion`);
  // Of the recorded completions, start from the green one: a failure is the override.
  const event = cloneExample<Example<"check_run">>(
    "check_run",
    (example) => example.action === action && (action !== "completed" || example.check_run.conclusion === "success"),
  );
  if (overrides.conclusion !== undefined) Object.assign(event.check_run, { conclusion: overrides.conclusion });
  if (overrides.name !== undefined) event.check_run.name = overrides.name;
  const installed = applyEventOverrides(event, overrides);
  if (overrides.sha !== undefined) replaceInStrings(installed, event.check_run.head_sha, overrides.sha);
  return installed as CheckRunEventOf<A>;
}

export interface StatusOverrides extends EventOverrides {
  readonly sha?: string;
  readonly state?: Example<"status">["state"];
  readonly context?: string;
}

export function aStatusEvent(overrides: StatusOverrides = {}): WithInstallation<Example<"status">> {
  const event = cloneExample<Example<"status">>("status", () => true);
  if (overrides.state !== undefined) event.state = overrides.state;
  if (overrides.context !== undefined) event.context = overrides.context;
  const installed = applyEventOverrides(event, overrides);
  if (overrides.sha !== undefined) replaceInStrings(installed, event.sha, overrides.sha);
  return installed;
}

export interface PushOverrides extends EventOverrides {
  readonly sha?: string;
  /** `refs/heads/master` when absent, the example repo's default branch. */
  readonly ref?: string;
  /** The head commit's message (where `Fixes #N` goes). */
  readonly message?: string;
}

export function aPushEvent(overrides: PushOverrides = {}): WithInstallation<Example<"push">> {
  // The one recorded branch push with a commit (the others are tags and deletions).
  const event = cloneExample<Example<"push">>(
    "push",
    (example) => example.head_commit !== null && example.ref.startsWith("refs/heads/"),
  );
  if (overrides.ref !== undefined) event.ref = overrides.ref;
  if (overrides.message !== undefined) {
    for (const commit of event.commits.filter((c) => c.id === event.after)) commit.message = overrides.message;
    if (event.head_commit !== null) event.head_commit.message = overrides.message;
  }
  const installed = applyEventOverrides(event, overrides);
  if (overrides.sha !== undefined) replaceInStrings(installed, event.after, overrides.sha);
  return installed;
}

// ---------------------------------------------------------------------------
// Rewriting.

interface RepoEvent {
  repository: Repository;
  sender: User;
}

function applyEventOverrides<T extends RepoEvent>(event: T, overrides: EventOverrides): WithInstallation<T> {
  const id = overrides.installationId ?? DEFAULT_INSTALLATION_ID;
  const installed = Object.assign(event, { installation: { id, node_id: toNodeId("IntegrationInstallation", id) } });
  moveRepository(installed, overrides.repo ?? DEFAULT_REPO, overrides.ownerType);
  installed.sender = toUser(installed.sender, overrides.sender ?? {});
  return installed;
}

function moveRepository(event: RepoEvent, fullName: string, ownerType: EventOverrides["ownerType"]): void {
  const [owner = "", name = ""] = fullName.split("/");
  const repository = event.repository;
  replaceInStrings(event, repository.full_name, fullName);
  Object.assign(repository, { id: toRepositoryId(fullName), name, full_name: fullName });
  repository.node_id = toNodeId("Repository", repository.id);
  repository.owner = toUser(repository.owner, { login: owner, type: ownerType ?? repository.owner.type });
}

function toUser<U extends { login: string; id: number; node_id: string; type: string }>(
  template: U,
  overrides: SenderOverrides,
): U {
  const login = overrides.login ?? template.login;
  const id = overrides.id ?? (overrides.login === undefined ? template.id : toUserId(login));
  const user = structuredClone(template);
  // In URLs a bot's login is percent-encoded (`dependabot%5Bbot%5D`), as GitHub writes it.
  replaceInStrings(
    user,
    new RegExp(`/${escapeRegExp(template.login)}(?=$|[/{?])`, "g"),
    `/${encodeURIComponent(login)}`,
  );
  replaceInStrings(user, `/u/${template.id}?`, `/u/${id}?`);
  return Object.assign(user, { login, id, node_id: toNodeId("User", id), type: overrides.type ?? template.type });
}

function renumberIssue(issue: Example<"issues">["issue"], issueNumber: number): void {
  replaceInStrings(issue, new RegExp(`/issues/${issue.number}(?=$|[/{?])`, "g"), `/issues/${issueNumber}`);
  issue.number = issueNumber;
}

function relabelIssue(event: Example<"issues">, action: IssuesAction, overrides: IssueOverrides): void {
  const template = event.issue.labels?.[0] ?? ("label" in event ? event.label : undefined);
  if (template === undefined) throw new Error("the issues example carries no label to copy");
  const subject = overrides.label ?? ("label" in event && event.label !== undefined ? event.label.name : undefined);
  const others = overrides.issueLabels ?? (event.issue.labels ?? []).map((label) => label.name);
  const names =
    action === "unlabeled"
      ? others.filter((name) => name !== subject)
      : subject === undefined || others.includes(subject)
        ? others
        : [...others, subject];
  const repo = event.repository.full_name;
  event.issue.labels = names.map((name) => toLabel(template, repo, name));
  if ((action === "labeled" || action === "unlabeled") && subject !== undefined)
    Object.assign(event, { label: toLabel(template, repo, subject) });
}

function toLabel(template: Label, repo: string, name: string): Label {
  const id = toStableId(`label:${repo}:${name}`);
  const url = `https://api.github.com/repos/${repo}/labels/${encodeURIComponent(name)}`;
  return { ...template, id, node_id: toNodeId("Label", id), url, name, default: false };
}

function toRepositoryEntry(fullName: string): RepositoryEntry {
  const id = toRepositoryId(fullName);
  return {
    id,
    node_id: toNodeId("Repository", id),
    name: fullName.split("/")[1] ?? "",
    full_name: fullName,
    private: false,
  };
}

function toRepositoryId(fullName: string): number {
  return fullName === DEFAULT_REPO ? EXAMPLE_REPO_ID : toStableId(`repo:${fullName}`);
}

function toUserId(login: string): number {
  return login === EXAMPLE_LOGIN ? EXAMPLE_USER_ID : toStableId(`user:${login}`);
}

/** A positive id that depends only on `seed` (7 hex digits: below 2^28, safe in every JSON reader). */
function toStableId(seed: string): number {
  return Number.parseInt(createHash("sha256").update(seed).digest("hex").slice(0, 7), 16) + 1;
}

/** GitHub's legacy global node id: base64 of `0<length of type>:<Type><id>`, e.g. `MDQ6VXNlcjE=` (`04:User1`). */
function toNodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString("base64");
}

function replaceInStrings(value: unknown, from: string | RegExp, to: string): void {
  if (typeof value !== "object" || value === null) return;
  const record = value as Record<string, unknown>;
  for (const [key, item] of Object.entries(record)) {
    if (typeof item === "string")
      record[key] = typeof from === "string" ? item.split(from).join(to) : item.replace(from, to);
    else replaceInStrings(item, from, to);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
