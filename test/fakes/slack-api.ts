// A strict fake of the Slack Web API methods afk calls (contracts/slack.md): a real HTTP
// server on 127.0.0.1, at `/api/<method>`, answering as Slack does: HTTP 200 with
// `{ ok: true, … }` or `{ ok: false, error: "<code>" }`.
//
// - Auth: `Authorization: Bearer <token>` (or a `token` argument); none → `not_authed`,
//   another → `invalid_auth`. A method whose scope the token lacks → `missing_scope`.
// - Bodies: form-encoded (as WebClient sends them, objects as JSON strings) or JSON.
// - `chat.postMessage`: a known channel the bot is in (`channel_not_found`,
//   `not_in_channel`); `text` or `blocks` (`no_text`); `blocks` a JSON array
//   (`invalid_blocks_format`); `metadata` with `event_type` and `event_payload`
//   (`invalid_metadata_format`); a `thread_ts` of a known message (`thread_not_found`).
// - `chat.update`: a known message (`message_not_found`); `chat.postEphemeral`: a `user`
//   who is a member of the channel (`user_not_in_channel`); `reactions.add`: a known
//   message (`message_not_found`), a valid name (`invalid_name`), once (`already_reacted`).
// - `conversations.replies`: the parent first, then the replies, up to `limit`; a message's
//   metadata only with `include_all_metadata=true`. An unknown ts → `thread_not_found`.
// - `conversations.history` (afk doctor, and afk looking for a doorbell it posted unseen): the
//   channel's newest messages since `oldest`, up to `limit`, only in a channel the bot is in
//   (`not_in_channel`, `channel_not_found`); metadata only with `include_all_metadata=true`.
// - `users.info` (afk doctor, scope `users:read`): a known user (`user_not_found`), with
//   `deleted` for a deactivated one.
// - Missing required arguments → `invalid_arguments`; unknown methods → `unknown_method`.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ScriptedFailures } from "./scripted-failures.js";

export const FAKE_SLACK_TOKEN = "xoxb-fake-slack-token";
export const FAKE_SLACK_BOT_ID = "B0AFKBOT";
export const FAKE_SLACK_BOT_USER_ID = "U0AFKBOT";
export const FAKE_SLACK_CHANNEL = "C0AFK";
/** The README's Slack app manifest: the doorbell's scopes, and `users:read` for afk doctor. */
export const FAKE_SLACK_SCOPES = [
  "chat:write",
  "channels:history",
  "groups:history",
  "reactions:write",
  "users:read",
] as const;

/** A Slack error code answered with HTTP 200, or an HTTP failure (429 carries `Retry-After`). */
export type FakeSlackFailure = string | { readonly status: number; readonly retryAfterSec?: number };

export interface FakeSlackCall {
  readonly method: string;
  /** The arguments as sent, JSON-encoded fields (blocks, metadata) parsed. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly authorization: string | null;
}

export interface FakeSlackMessage {
  readonly channel: string;
  readonly ts: string;
  text: string;
  blocks: unknown[] | null;
  readonly metadata: unknown;
  readonly threadTs: string | null;
  readonly user: string;
  readonly botId: string | null;
  readonly reactions: Map<string, string[]>;
}

export interface FakeSlackEphemeral {
  readonly channel: string;
  readonly user: string;
  readonly text: string;
  readonly threadTs: string | null;
}

export interface FakeSlackApi {
  /** `http://127.0.0.1:<port>/api/`: the `slackApiUrl` / `SLACK_API_URL` to use. */
  readonly apiUrl: string;
  readonly calls: readonly FakeSlackCall[];
  readonly ephemerals: readonly FakeSlackEphemeral[];
  message(channel: string, ts: string): FakeSlackMessage | undefined;
  messages(channel: string): readonly FakeSlackMessage[];
  /** A channel the bot is in (or not), with its members (null: anyone). */
  addChannel(
    id: string,
    options?: { readonly botIsMember?: boolean; readonly members?: readonly string[] | null },
  ): void;
  /** A human's message, e.g. the parent of a thread afk did not post. */
  addMessage(input: {
    readonly channel: string;
    readonly user: string;
    readonly text: string;
    readonly threadTs?: string;
    readonly metadata?: unknown;
  }): FakeSlackMessage;
  /** A person in the workspace (`users.info`); `deleted`: a deactivated account. */
  addUser(id: string, options?: { readonly name?: string; readonly deleted?: boolean }): void;
  failNext(method: string, failure: FakeSlackFailure, times?: number): void;
  setScopes(scopes: readonly string[]): void;
  close(): Promise<void>;
}

const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  "auth.test": [],
  "chat.postMessage": ["chat:write"],
  "chat.update": ["chat:write"],
  "chat.postEphemeral": ["chat:write"],
  "reactions.add": ["reactions:write"],
  "conversations.replies": ["channels:history", "groups:history"],
  "conversations.history": ["channels:history", "groups:history"],
  "users.info": ["users:read"],
};

const JSON_FIELDS = new Set(["blocks", "metadata", "attachments"]);

class FakeSlackError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

type Args = Record<string, unknown>;

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const state = new FakeSlackState();
  const server = createServer((req, res) => {
    state.handle(req, res).catch((error: unknown) => {
      // A bug in the fake must show up as a failing test, not a hang.
      if (!res.headersSent) res.writeHead(599, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    get calls() {
      return state.calls;
    },
    get ephemerals() {
      return state.ephemerals;
    },
    message: (channel, ts) => state.find(channel, ts),
    messages: (channel) => state.messages.filter((m) => m.channel === channel),
    addChannel: (id, options = {}) =>
      state.channels.set(id, { botIsMember: options.botIsMember ?? true, members: options.members ?? null }),
    addMessage: (input) =>
      state.store({
        ...input,
        threadTs: input.threadTs ?? null,
        metadata: input.metadata ?? null,
        blocks: null,
        botId: null,
      }),
    addUser: (id, options = {}) =>
      state.users.set(id, { name: options.name ?? id.toLowerCase(), deleted: options.deleted ?? false }),
    failNext: (method, failure, times = 1) => state.failures.add(method, failure, times),
    setScopes: (scopes) => {
      state.scopes = new Set(scopes);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error === undefined ? resolve() : reject(error))),
      );
    },
  };
}

class FakeSlackState {
  readonly calls: FakeSlackCall[] = [];
  readonly ephemerals: FakeSlackEphemeral[] = [];
  readonly messages: FakeSlackMessage[] = [];
  readonly channels = new Map<string, { botIsMember: boolean; members: readonly string[] | null }>([
    [FAKE_SLACK_CHANNEL, { botIsMember: true, members: null }],
  ]);
  readonly users = new Map<string, { readonly name: string; readonly deleted: boolean }>([
    [FAKE_SLACK_BOT_USER_ID, { name: "afk", deleted: false }],
  ]);
  readonly failures = new ScriptedFailures<string, FakeSlackFailure>();
  scopes = new Set<string>(FAKE_SLACK_SCOPES);
  #clock = 1_700_003_000;

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake.slack");
    const method = url.pathname.startsWith("/api/") ? url.pathname.slice("/api/".length) : "";
    const args = toArgs(req.headers["content-type"] ?? "", await readBody(req), url.searchParams);
    const authorization = req.headers.authorization ?? null;
    this.calls.push({ method, args, authorization });
    const failure = this.takeFailure(method);
    if (failure !== null && typeof failure !== "string") return answerHttp(res, failure);
    try {
      if (failure !== null) throw new FakeSlackError(failure);
      this.authorize(method, authorization, args);
      answer(res, { ok: true, ...this.run(method, args) });
    } catch (error) {
      if (!(error instanceof FakeSlackError)) throw error;
      answer(res, { ok: false, error: error.code, ...error.extra });
    }
  }

  private takeFailure(method: string): FakeSlackFailure | null {
    return this.failures.take(method) ?? null;
  }

  private authorize(method: string, authorization: string | null, args: Args): void {
    const needed = METHOD_SCOPES[method];
    if (needed === undefined) throw new FakeSlackError("unknown_method");
    const token = authorization?.replace(/^Bearer\s+/i, "") ?? (typeof args.token === "string" ? args.token : null);
    if (token === null || token === "") throw new FakeSlackError("not_authed");
    if (token !== FAKE_SLACK_TOKEN) throw new FakeSlackError("invalid_auth");
    if (needed.length > 0 && !needed.some((scope) => this.scopes.has(scope)))
      throw new FakeSlackError("missing_scope", { needed: needed.join(","), provided: [...this.scopes].join(",") });
  }

  private run(method: string, args: Args): Args {
    switch (method) {
      case "auth.test":
        return {
          url: "https://afk-test.slack.com/",
          team: "afk",
          user: "afk",
          team_id: "T0AFK",
          user_id: FAKE_SLACK_BOT_USER_ID,
          bot_id: FAKE_SLACK_BOT_ID,
        };
      case "chat.postMessage":
        return this.postMessage(args);
      case "chat.update":
        return this.update(args);
      case "chat.postEphemeral":
        return this.postEphemeral(args);
      case "reactions.add":
        return this.addReaction(args);
      case "conversations.history":
        return this.history(args);
      case "users.info":
        return this.userInfo(args);
      default:
        return this.replies(args);
    }
  }

  private postMessage(args: Args): Args {
    const channel = this.channelOf(args, true);
    const { text, blocks } = toContent(args);
    const threadTs = optional(args, "thread_ts");
    if (threadTs !== null && this.find(channel, threadTs) === undefined) throw new FakeSlackError("thread_not_found");
    const metadata = args.metadata === undefined ? null : toMetadata(args.metadata);
    const message = this.store({
      channel,
      user: FAKE_SLACK_BOT_USER_ID,
      botId: FAKE_SLACK_BOT_ID,
      text,
      blocks,
      metadata,
      threadTs,
    });
    return { channel, ts: message.ts, message: toWire(message, true) };
  }

  private update(args: Args): Args {
    const channel = this.channelOf(args, true);
    const message = this.messageOf(channel, required(args, "ts"));
    const { text, blocks } = toContent(args);
    message.text = text;
    message.blocks = blocks;
    return { channel, ts: message.ts, text };
  }

  private postEphemeral(args: Args): Args {
    const channel = this.channelOf(args, true);
    const user = required(args, "user");
    const members = this.channels.get(channel)!.members;
    if (members !== null && !members.includes(user)) throw new FakeSlackError("user_not_in_channel");
    const { text } = toContent(args);
    this.ephemerals.push({ channel, user, text, threadTs: optional(args, "thread_ts") });
    return { message_ts: this.nextTs() };
  }

  private addReaction(args: Args): Args {
    const channel = this.channelOf(args, false);
    const name = required(args, "name");
    const message = this.messageOf(channel, required(args, "timestamp"));
    if (!/^[a-z0-9_+'-]+$/.test(name)) throw new FakeSlackError("invalid_name");
    const users = message.reactions.get(name) ?? [];
    if (users.includes(FAKE_SLACK_BOT_USER_ID)) throw new FakeSlackError("already_reacted");
    message.reactions.set(name, [...users, FAKE_SLACK_BOT_USER_ID]);
    return {};
  }

  private replies(args: Args): Args {
    const channel = this.channelOf(args, false);
    const parent = this.find(channel, required(args, "ts"));
    if (parent === undefined) throw new FakeSlackError("thread_not_found");
    const root = parent.threadTs === null ? parent : this.find(channel, parent.threadTs)!;
    const thread = [root, ...this.messages.filter((m) => m.channel === channel && m.threadTs === root.ts)];
    const limit = Number(args.limit ?? 1000);
    const withMetadata =
      args.include_all_metadata === true || args.include_all_metadata === "true" || args.include_all_metadata === "1";
    return {
      messages: thread.slice(0, limit > 0 ? limit : 1000).map((m) => toWire(m, withMetadata)),
      has_more: thread.length > limit,
    };
  }

  private history(args: Args): Args {
    // Like posting, reading a channel's history takes a bot that is in it.
    const channel = this.channelOf(args, true);
    const limit = Number(args.limit ?? 100);
    const oldest = Number(optional(args, "oldest") ?? 0);
    const top = this.messages
      .filter((m) => m.channel === channel && m.threadTs === null && Number(m.ts) >= oldest)
      .reverse();
    const withMetadata =
      args.include_all_metadata === true || args.include_all_metadata === "true" || args.include_all_metadata === "1";
    return {
      messages: top.slice(0, limit > 0 ? limit : 100).map((m) => toWire(m, withMetadata)),
      has_more: top.length > limit,
    };
  }

  private userInfo(args: Args): Args {
    const id = required(args, "user");
    const user = this.users.get(id);
    if (user === undefined) throw new FakeSlackError("user_not_found");
    return { user: { id, team_id: "T0AFK", name: user.name, real_name: user.name, deleted: user.deleted } };
  }

  private channelOf(args: Args, postable: boolean): string {
    const channel = optional(args, "channel");
    if (channel === null || !this.channels.has(channel)) throw new FakeSlackError("channel_not_found");
    if (postable && !this.channels.get(channel)!.botIsMember) throw new FakeSlackError("not_in_channel");
    return channel;
  }

  private messageOf(channel: string, ts: string): FakeSlackMessage {
    const message = this.find(channel, ts);
    if (message === undefined) throw new FakeSlackError("message_not_found");
    return message;
  }

  find(channel: string, ts: string): FakeSlackMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  store(input: Omit<FakeSlackMessage, "ts" | "reactions">): FakeSlackMessage {
    const message: FakeSlackMessage = { ...input, ts: this.nextTs(), reactions: new Map() };
    this.messages.push(message);
    return message;
  }

  private nextTs(): string {
    this.#clock += 1;
    return `${this.#clock}.000100`;
  }
}

function toWire(message: FakeSlackMessage, withMetadata: boolean): Args {
  return {
    type: "message",
    ts: message.ts,
    user: message.user,
    text: message.text,
    ...(message.botId === null ? {} : { bot_id: message.botId }),
    ...(message.blocks === null ? {} : { blocks: message.blocks }),
    ...(message.threadTs === null ? {} : { thread_ts: message.threadTs }),
    ...(withMetadata && message.metadata !== null ? { metadata: message.metadata } : {}),
  };
}

function toContent(args: Args): { text: string; blocks: unknown[] | null } {
  const text = typeof args.text === "string" ? args.text : "";
  let blocks: unknown[] | null = null;
  if (args.blocks !== undefined) {
    if (!Array.isArray(args.blocks)) throw new FakeSlackError("invalid_blocks_format");
    blocks = args.blocks;
  }
  if (text === "" && (blocks === null || blocks.length === 0)) throw new FakeSlackError("no_text");
  return { text, blocks };
}

function toMetadata(value: unknown): unknown {
  const ok =
    typeof value === "object" &&
    value !== null &&
    typeof (value as Args).event_type === "string" &&
    typeof (value as Args).event_payload === "object";
  if (!ok) throw new FakeSlackError("invalid_metadata_format");
  return value;
}

function optional(args: Args, key: string): string | null {
  const value = args[key];
  return typeof value === "string" && value !== "" ? value : null;
}

function required(args: Args, key: string): string {
  const value = optional(args, key);
  if (value === null)
    throw new FakeSlackError("invalid_arguments", {
      response_metadata: { messages: [`[ERROR] missing required field: ${key}`] },
    });
  return value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** WebClient sends objects as JSON strings inside a form; a JSON body carries them as they are. */
function toArgs(contentType: string, body: string, query: URLSearchParams): Args {
  const args: Args = Object.fromEntries(query);
  if (contentType.startsWith("application/json"))
    return { ...args, ...(JSON.parse(body === "" ? "{}" : body) as Args) };
  for (const [key, value] of new URLSearchParams(body))
    args[key] = JSON_FIELDS.has(key) ? parseJsonField(value) : value;
  return args;
}

function parseJsonField(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    // Slack answers a malformed field with `invalid_*_format`: keep the string so the method says so.
    return value;
  }
}

function answer(res: ServerResponse, body: Args): void {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

function answerHttp(res: ServerResponse, failure: { readonly status: number; readonly retryAfterSec?: number }): void {
  const headers: Record<string, string> = { "content-type": "text/plain" };
  if (failure.retryAfterSec !== undefined) headers["retry-after"] = String(failure.retryAfterSec);
  res.writeHead(failure.status, headers);
  res.end(`fake failure ${failure.status}`);
}
