// The webhook payloads the fake GitHub sends for changes to issues and comments, built
// the way the recorded fixtures are (test/support/webhook-fixtures.ts: a payload GitHub
// really sent, moved to this repo, issue and sender), then overlaid with the fake's own
// state as its REST API shows it, so a payload and a later read agree. Every builder is
// checked against GitHub's webhook schemas (`@octokit/openapi-webhooks`) by
// github-fake-payloads.test.ts.

import {
  anIssueCommentEvent,
  anIssuesEvent,
  type IssueCommentAction,
  type IssuesAction,
} from "../support/webhook-fixtures.js";

export interface PayloadUser {
  readonly login: string;
  readonly id: number;
  readonly type: "User" | "Bot" | "Organization";
}

/** The facts of one repo and issue that every issues / issue_comment payload carries. */
export interface IssueContext {
  readonly repo: {
    readonly fullName: string;
    readonly id: number;
    readonly ownerType: "User" | "Organization" | "Bot";
    readonly defaultBranch: string;
  };
  readonly installationId: number;
  readonly issueNumber: number;
  readonly labelNames: readonly string[];
  /** The issue as the REST API returns it now. */
  readonly issueJson: Record<string, unknown>;
  readonly sender: PayloadUser;
}

export type IssueChange =
  | { readonly action: "labeled" | "unlabeled"; readonly label: Record<string, unknown> }
  | { readonly action: "closed" | "reopened" }
  | {
      readonly action: "edited";
      readonly changes: { readonly title?: { from: string }; readonly body?: { from: string } };
    };

export type CommentChange =
  | { readonly action: "created"; readonly comment: Record<string, unknown> }
  | { readonly action: "edited"; readonly comment: Record<string, unknown>; readonly from: string };

function baseOverrides(context: IssueContext): {
  repo: string;
  ownerType: "User" | "Organization";
  issueNumber: number;
  issueLabels: readonly string[];
  sender: PayloadUser;
  installationId: number;
} {
  return {
    repo: context.repo.fullName,
    ownerType: context.repo.ownerType === "Organization" ? "Organization" : "User",
    issueNumber: context.issueNumber,
    issueLabels: context.labelNames,
    sender: context.sender,
    installationId: context.installationId,
  };
}

function overlayRepository(payload: { repository: object }, context: IssueContext): void {
  Object.assign(payload.repository, { id: context.repo.id, default_branch: context.repo.defaultBranch });
}

/** `issues` with the action of the change, for the issue as it stands after it. */
export function toIssuesPayload(context: IssueContext, change: IssueChange): Record<string, unknown> {
  const action: IssuesAction = change.action;
  const label = "label" in change ? String(change.label.name) : undefined;
  const payload = anIssuesEvent(action, { ...baseOverrides(context), ...(label === undefined ? {} : { label }) });
  Object.assign(payload.issue, context.issueJson);
  overlayRepository(payload, context);
  if ("label" in change) Object.assign(payload, { label: change.label });
  if (change.action === "edited") Object.assign(payload, { changes: change.changes });
  return payload as unknown as Record<string, unknown>;
}

/** `issue_comment` for a comment created or edited on an issue. */
export function toIssueCommentPayload(context: IssueContext, change: CommentChange): Record<string, unknown> {
  const action: IssueCommentAction = change.action;
  const payload = anIssueCommentEvent(action, baseOverrides(context));
  Object.assign(payload.issue, context.issueJson);
  Object.assign(payload.comment, change.comment);
  overlayRepository(payload, context);
  if (change.action === "edited") Object.assign(payload, { changes: { body: { from: change.from } } });
  return payload as unknown as Record<string, unknown>;
}
