// The Slack port: what the shell may ask of Slack's Web API (contracts/slack.md), and how
// a failure comes back. Failures are values sorted into categories the shell has one
// policy for each (STYLE habit 11); nothing throws.

export type SlackErrorCategory =
  /** The token is missing, wrong, revoked, or lacks a scope: an operator must act. */
  | "unauthorized"
  /** An unknown channel, message or thread (or one the bot cannot see). */
  | "not-found"
  /** Slack asked afk to slow down: try again later. */
  | "rate-limited"
  /** Network errors, timeouts, Slack's own 5xx and internal errors: try again later. */
  | "transient"
  /** Slack refused the arguments: retrying the same call cannot help. */
  | "invalid-request";

export interface SlackError {
  readonly category: SlackErrorCategory;
  /** Slack's `error` code (`channel_not_found`…), or null when Slack sent none. */
  readonly code: string | null;
  /** For logs and humans. Never contains the token. */
  readonly message: string;
}

export type SlackResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SlackError };

export interface SlackMessageRef {
  readonly channel: string;
  readonly ts: string;
}

export interface DoorbellPost {
  readonly channel: string;
  readonly text: string;
  readonly blocks: readonly unknown[];
  readonly metadata: { readonly event_type: string; readonly event_payload: Readonly<Record<string, unknown>> };
}

export interface SlackIdentity {
  readonly botId: string;
  readonly botUserId: string;
}

export interface SlackClient {
  /** `auth.test`: the ids the receiver needs to skip its own `auth.test` and ignore itself. */
  readIdentity(): Promise<SlackResult<SlackIdentity>>;
  postDoorbell(post: DoorbellPost): Promise<SlackResult<SlackMessageRef>>;
  updateDoorbell(update: {
    readonly channel: string;
    readonly ts: string;
    readonly text: string;
    readonly blocks: readonly unknown[];
  }): Promise<SlackResult<void>>;
  replyInThread(reply: {
    readonly channel: string;
    readonly threadTs: string;
    readonly text: string;
  }): Promise<SlackResult<SlackMessageRef>>;
  /** A plain message in the channel (the optional "shipped" announcement). */
  postMessage(message: { readonly channel: string; readonly text: string }): Promise<SlackResult<SlackMessageRef>>;
  /** `already_reacted` counts as done: the call is idempotent. */
  addReaction(reaction: {
    readonly channel: string;
    readonly ts: string;
    readonly name: string;
  }): Promise<SlackResult<void>>;
  postEphemeral(notice: {
    readonly channel: string;
    readonly user: string;
    readonly text: string;
    readonly threadTs: string | null;
  }): Promise<SlackResult<void>>;
  /** The thread parent's `metadata` (unchecked: see `parseDoorbellMetadata`), or null when it has none. */
  readThreadParent(thread: { readonly channel: string; readonly threadTs: string }): Promise<SlackResult<unknown>>;
}
