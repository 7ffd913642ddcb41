// The doorbell twin, standing for Slack's Web API (contracts/slack.md), answering as the
// real adapter sorts Slack's `error` codes (src/adapters/slack/slack-errors.ts):
// - posting, updating and ephemerals need a known channel (`channel_not_found`,
//   `not-found`) the bot was invited to (`not_in_channel`, `rejected`);
// - an unknown message or thread is `message_not_found` / `thread_not_found`
//   (`not-found`); an ephemeral to a non-member is `user_not_in_channel` (`not-found`);
// - a reaction already there (`already_reacted`) is done; a bad name is `rejected`;
// - `readThreadParent` answers the thread root's metadata, or null when it has none.
// Slack sends every message in a channel as a `message` event, the bot's own (with
// `bot_id`) included; events queue until the test flushes them, like GitHub's webhooks.

import type { Doorbell, DoorbellPost, MessageRef, SlackIdentity } from "../../ports/doorbell.js";
import { ok, OK_VOID, type Result } from "../../ports/result.js";
import { DeliveryQueue, type FlushOptions, type FlushReport, type Listener } from "./delivery-queue.js";
import {
  noText,
  slackError,
  toMessageEvent,
  type SlackEphemeral,
  type SlackEvent,
  type SlackMessage,
} from "./doorbell-state.js";
import { Knobs } from "./knobs.js";

export interface MemoryDoorbellOptions {
  readonly identity?: SlackIdentity;
  /** Channels that exist with the bot invited; `C0AFK` by default. */
  readonly channels?: readonly string[];
}

interface Channel {
  botIsMember: boolean;
  /** Null: anyone is a member. */
  members: readonly string[] | null;
}

const WRITES = [
  "postDoorbell",
  "updateDoorbell",
  "replyInThread",
  "postMessage",
  "addReaction",
  "postEphemeral",
] as const;
const REACTION_NAME = /^[a-z0-9_+'-]+$/;

export class MemoryDoorbell implements Doorbell {
  readonly knobs = new Knobs<Doorbell>("slack", WRITES);
  readonly identity: SlackIdentity;
  readonly #channels = new Map<string, Channel>();
  readonly #messages: SlackMessage[] = [];
  readonly #ephemerals: SlackEphemeral[] = [];
  readonly #events = new DeliveryQueue<SlackEvent>();
  #clock = 1_767_225_600;

  constructor(options: MemoryDoorbellOptions = {}) {
    this.identity = options.identity ?? { botId: "B0AFKBOT", botUserId: "U0AFKBOT" };
    for (const channel of options.channels ?? ["C0AFK"]) this.addChannel(channel);
  }

  // --- The port. ---

  readIdentity(): Promise<Result<SlackIdentity>> {
    return this.knobs.run("readIdentity", [], () => ok(this.identity));
  }

  postDoorbell(post: DoorbellPost): Promise<Result<MessageRef>> {
    return this.knobs.run("postDoorbell", [post], () => {
      const problem =
        this.#postable("chat.postMessage", post.channel) ?? noText("chat.postMessage", post.text, post.blocks);
      if (problem !== null) return problem;
      return ok(this.#postAsBot(post.channel, post.text, post.blocks, post.metadata, null));
    });
  }

  updateDoorbell(update: {
    readonly channel: string;
    readonly ts: string;
    readonly text: string;
    readonly blocks: readonly unknown[];
  }): Promise<Result<void>> {
    return this.knobs.run("updateDoorbell", [update], () => {
      const problem =
        this.#postable("chat.update", update.channel) ?? noText("chat.update", update.text, update.blocks);
      if (problem !== null) return problem;
      const message = this.message(update.channel, update.ts);
      if (message === null) return slackError("chat.update", "message_not_found", "not-found");
      message.text = update.text;
      message.blocks = update.blocks;
      return OK_VOID;
    });
  }

  replyInThread(reply: {
    readonly channel: string;
    readonly threadTs: string;
    readonly text: string;
  }): Promise<Result<MessageRef>> {
    return this.knobs.run("replyInThread", [reply], () => {
      const problem = this.#postable("chat.postMessage", reply.channel) ?? noText("chat.postMessage", reply.text, null);
      if (problem !== null) return problem;
      const parent = this.message(reply.channel, reply.threadTs);
      if (parent === null) return slackError("chat.postMessage", "thread_not_found", "not-found");
      return ok(this.#postAsBot(reply.channel, reply.text, null, null, parent.threadTs ?? parent.ts));
    });
  }

  postMessage(message: { readonly channel: string; readonly text: string }): Promise<Result<MessageRef>> {
    return this.knobs.run("postMessage", [message], () => {
      const problem =
        this.#postable("chat.postMessage", message.channel) ?? noText("chat.postMessage", message.text, null);
      if (problem !== null) return problem;
      return ok(this.#postAsBot(message.channel, message.text, null, null, null));
    });
  }

  addReaction(reaction: {
    readonly channel: string;
    readonly ts: string;
    readonly name: string;
  }): Promise<Result<void>> {
    return this.knobs.run("addReaction", [reaction], () => {
      if (!this.#channels.has(reaction.channel)) return slackError("reactions.add", "channel_not_found", "not-found");
      const message = this.message(reaction.channel, reaction.ts);
      if (message === null) return slackError("reactions.add", "message_not_found", "not-found");
      if (!REACTION_NAME.test(reaction.name)) return slackError("reactions.add", "invalid_name", "rejected");
      const users = message.reactions.get(reaction.name) ?? [];
      // `already_reacted` is done: the adapter answers it as a success.
      if (!users.includes(this.identity.botUserId))
        message.reactions.set(reaction.name, [...users, this.identity.botUserId]);
      return OK_VOID;
    });
  }

  postEphemeral(notice: {
    readonly channel: string;
    readonly user: string;
    readonly text: string;
    readonly threadTs: string | null;
  }): Promise<Result<void>> {
    return this.knobs.run("postEphemeral", [notice], () => {
      const problem =
        this.#postable("chat.postEphemeral", notice.channel) ?? noText("chat.postEphemeral", notice.text, null);
      if (problem !== null) return problem;
      const members = this.#channels.get(notice.channel)?.members ?? null;
      if (members !== null && !members.includes(notice.user))
        return slackError("chat.postEphemeral", "user_not_in_channel", "not-found");
      this.#ephemerals.push({ ...notice });
      return OK_VOID;
    });
  }

  listDoorbells(query: {
    readonly channel: string;
    readonly oldestMs: number;
  }): Promise<Result<readonly { readonly ts: string; readonly metadata: unknown }[]>> {
    return this.knobs.run("listDoorbells", [query], () => {
      // Like posting, reading a channel's history takes a bot that is in it.
      const problem = this.#postable("conversations.history", query.channel);
      if (problem !== null) return problem;
      const found = this.messages(query.channel)
        .filter((message) => message.threadTs === null && message.botId === this.identity.botId)
        .filter((message) => message.metadata !== null && Number(message.ts) * 1000 >= query.oldestMs)
        .map((message) => ({ ts: message.ts, metadata: message.metadata }));
      return ok(found.reverse());
    });
  }

  readThreadParent(thread: { readonly channel: string; readonly threadTs: string }): Promise<Result<unknown>> {
    return this.knobs.run("readThreadParent", [thread], () => {
      if (!this.#channels.has(thread.channel))
        return slackError("conversations.replies", "channel_not_found", "not-found");
      const message = this.message(thread.channel, thread.threadTs);
      if (message === null) return slackError("conversations.replies", "thread_not_found", "not-found");
      const root = message.threadTs === null ? message : this.message(thread.channel, message.threadTs);
      return ok(root?.metadata ?? null);
    });
  }

  // --- Test controls. ---

  addChannel(
    id: string,
    options: { readonly botIsMember?: boolean; readonly members?: readonly string[] | null } = {},
  ): void {
    this.#channels.set(id, { botIsMember: options.botIsMember ?? true, members: options.members ?? null });
  }

  /** Invites the bot to the channel, or removes it. */
  setBotMember(channel: string, member: boolean): void {
    const found = this.#channels.get(channel);
    if (found === undefined) throw new Error(`memory Slack: no channel ${channel}`);
    found.botIsMember = member;
  }

  /** A person writes in the channel (in a thread when `threadTs` is given). Returns the message's ts. */
  humanMessage(channel: string, user: string, text: string, threadTs: string | null = null): string {
    if (!this.#channels.has(channel)) throw new Error(`memory Slack: no channel ${channel}`);
    return this.#store({ channel, threadTs, text, blocks: null, metadata: null, user, botId: null }).ts;
  }

  onEvent(listener: Listener<SlackEvent>): () => void {
    return this.#events.subscribe(listener);
  }

  get pendingEvents(): readonly SlackEvent[] {
    return this.#events.pending;
  }

  flushEvents(options?: FlushOptions): Promise<FlushReport<SlackEvent>> {
    return this.#events.flush(options);
  }

  /** Loses queued events (all, or those that match); returns them. */
  dropEvents(filter?: (event: SlackEvent) => boolean): SlackEvent[] {
    return this.#events.take(filter);
  }

  message(channel: string, ts: string): SlackMessage | null {
    return this.#messages.find((message) => message.channel === channel && message.ts === ts) ?? null;
  }

  messages(channel: string): readonly SlackMessage[] {
    return this.#messages.filter((message) => message.channel === channel);
  }

  get ephemerals(): readonly SlackEphemeral[] {
    return this.#ephemerals;
  }

  snapshot(): {
    readonly messages: readonly (Omit<SlackMessage, "reactions" | "blocks"> & {
      readonly reactions: Record<string, string[]>;
    })[];
    readonly ephemerals: readonly SlackEphemeral[];
  } {
    return {
      messages: this.#messages.map(({ reactions, blocks: _blocks, ...message }) => ({
        ...message,
        reactions: Object.fromEntries([...reactions].map(([name, users]) => [name, [...users]])),
      })),
      ephemerals: this.#ephemerals.map((ephemeral) => ({ ...ephemeral })),
    };
  }

  #postable(method: string, channel: string): Result<never> | null {
    const found = this.#channels.get(channel);
    if (found === undefined) return slackError(method, "channel_not_found", "not-found");
    if (!found.botIsMember) return slackError(method, "not_in_channel", "rejected");
    return null;
  }

  #postAsBot(
    channel: string,
    text: string,
    blocks: readonly unknown[] | null,
    metadata: DoorbellPost["metadata"] | null,
    threadTs: string | null,
  ): MessageRef {
    const message = this.#store({
      channel,
      threadTs,
      text,
      blocks,
      metadata,
      user: this.identity.botUserId,
      botId: this.identity.botId,
    });
    return { channel, ts: message.ts };
  }

  #store(input: Omit<SlackMessage, "ts" | "reactions">): SlackMessage {
    this.#clock += 1;
    const message: SlackMessage = { ...input, ts: `${this.#clock}.000100`, reactions: new Map() };
    this.#messages.push(message);
    this.#events.push(toMessageEvent(message, this.#clock));
    return message;
  }
}
