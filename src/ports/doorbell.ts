// The Slack port (contracts/slack.md): the doorbell message, its thread, and the few
// acknowledgements afk makes there. Slack has no idempotency key: a post that timed out
// may have landed, which is why the doorbell's ts is recorded as soon as it is known.

import type { Result } from "./result.js";

export interface MessageRef {
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

export interface Doorbell {
  /** `auth.test`: the ids the receiver needs to skip its own `auth.test` and ignore itself. */
  readIdentity(): Promise<Result<SlackIdentity>>;
  postDoorbell(post: DoorbellPost): Promise<Result<MessageRef>>;
  updateDoorbell(update: {
    readonly channel: string;
    readonly ts: string;
    readonly text: string;
    readonly blocks: readonly unknown[];
  }): Promise<Result<void>>;
  replyInThread(reply: {
    readonly channel: string;
    readonly threadTs: string;
    readonly text: string;
  }): Promise<Result<MessageRef>>;
  /** A plain message in the channel (the optional "shipped" announcement). */
  postMessage(message: { readonly channel: string; readonly text: string }): Promise<Result<MessageRef>>;
  /** `already_reacted` counts as done: the call is idempotent. */
  addReaction(reaction: {
    readonly channel: string;
    readonly ts: string;
    readonly name: string;
  }): Promise<Result<void>>;
  postEphemeral(notice: {
    readonly channel: string;
    readonly user: string;
    readonly text: string;
    readonly threadTs: string | null;
  }): Promise<Result<void>>;
  /**
   * afk's own messages at the top of the channel since `oldestMs` that carry metadata
   * (unchecked), newest first (`conversations.history`): where a doorbell afk posted
   * without seeing the answer is found.
   */
  listDoorbells(query: {
    readonly channel: string;
    readonly oldestMs: number;
  }): Promise<Result<readonly { readonly ts: string; readonly metadata: unknown }[]>>;
  /** The thread parent's `metadata` (unchecked: see `parseDoorbellMetadata`), or null when it has none. */
  readThreadParent(thread: { readonly channel: string; readonly threadTs: string }): Promise<Result<unknown>>;
}
