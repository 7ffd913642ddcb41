// Who afk is on GitHub, so that its own writes echoed back as webhooks are never read as
// a person's acts (the decision is src/core/ingress/is-own-act.ts). The identity is read
// once (`GET /app`: the bot is `<slug>[bot]`), started at start-up; a delivery whose
// sender could be afk waits for it. When the read fails the delivery fails too (500,
// redeliverable) and the next one reads again. A person's act never waits.

import { toBotIdentity, type BotIdentity } from "../core/ingress/is-own-act.js";
import type { AppIdentity } from "../ports/github-app.js";
import { describeError, type Result } from "../ports/result.js";
import type { Log } from "./log.js";

export interface OwnActs {
  /** afk's bot, when already known. */
  known(): BotIdentity | null;
  /** afk's bot, read once and shared by whoever waits; throws when it cannot be read. */
  read(): Promise<BotIdentity>;
  /** Reads the identity now, so that deliveries seldom wait for it; resolves either way. */
  learn(): Promise<void>;
}

export function createOwnActs(
  readIdentity: () => Promise<Result<AppIdentity>>,
  log: Log,
  onLearned: (identity: BotIdentity) => void = () => undefined,
): OwnActs {
  let identity: BotIdentity | null = null;
  let reading: Promise<BotIdentity> | null = null;

  async function readOnce(): Promise<BotIdentity> {
    const read = await readIdentity();
    if (!read.ok) throw new Error(`cannot read afk's own app (GET /app): ${describeError(read.error)}`);
    identity = toBotIdentity(read.value.slug);
    onLearned(identity);
    log.info({ login: identity.login }, "afk knows its own bot: its writes echoed back by GitHub are ignored");
    return identity;
  }

  /** One read at a time; a failed one is forgotten, so the next caller tries again. */
  function read(): Promise<BotIdentity> {
    if (identity !== null) return Promise.resolve(identity);
    if (reading !== null) return reading;
    const attempt = readOnce();
    reading = attempt;
    attempt.then(
      () => (reading = null),
      () => (reading = null),
    );
    return attempt;
  }

  return {
    known: () => identity,
    read,
    learn: async () => {
      await read().catch((error: unknown) =>
        log.warn({ err: error }, "afk does not know its own bot yet; a delivery from a bot waits for it"),
      );
    },
  };
}
