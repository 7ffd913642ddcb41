// Tells afk's own acts, echoed back by GitHub, from everyone else's (the decision is
// src/core/ingress/is-own-act.ts). afk learns its bot identity once, from the app's slug;
// the read is started at start-up, and an event that could be afk's own waits for it.
//
// The safe behaviour before the identity is known: an event whose sender is a `[bot]`
// that could be afk is not handled until the read succeeds; when it fails, `isOwnAct`
// throws, the delivery is answered 500 and stays redeliverable (GitHub's log, redelivered
// at the next start), and the next such delivery tries the read again. A person's act
// never waits.

import type { AppIdentity } from "../ports/github-app.js";
import { describeError, type Result } from "../ports/result.js";
import type { Actor } from "../core/common/github-types.js";
import { decideOwnAct, toBotIdentity, type BotIdentity } from "../core/ingress/is-own-act.js";
import type { Log } from "./log.js";

export interface OwnActs {
  /** True for an echo of afk's own write. Throws when afk's identity is needed and cannot be read. */
  isOwnAct(event: string, sender: Actor | null): Promise<boolean>;
  /** Reads the identity now, so that deliveries seldom wait for it; resolves either way. */
  learn(): Promise<void>;
}

export function createOwnActs(readIdentity: () => Promise<Result<AppIdentity>>, log: Log): OwnActs {
  let identity: BotIdentity | null = null;
  let reading: Promise<BotIdentity> | null = null;

  async function readOnce(): Promise<BotIdentity> {
    const read = await readIdentity();
    if (!read.ok) throw new Error(`cannot read afk's own app (GET /app): ${describeError(read.error)}`);
    identity = toBotIdentity(read.value.slug);
    log.info({ login: identity.login }, "afk knows its own bot: its writes echoed back by GitHub are ignored");
    return identity;
  }

  /** One read at a time, shared by whoever waits; a failed one is forgotten, so the next caller tries again. */
  function read(): Promise<BotIdentity> {
    if (reading !== null) return reading;
    const attempt = readOnce();
    reading = attempt;
    attempt.catch(() => {
      if (reading === attempt) reading = null;
    });
    return attempt;
  }

  return {
    isOwnAct: async (event, sender) => {
      const known = decideOwnAct(event, sender, identity);
      const verdict = known.kind === "unknown" ? decideOwnAct(event, sender, await read()) : known;
      if (verdict.kind === "own") log.debug({ event }, "afk's own act, echoed back by GitHub: ignored");
      return verdict.kind === "own";
    },
    learn: async () => {
      await read().catch((error: unknown) =>
        log.warn({ err: error }, "afk does not know its own bot yet; a delivery from a bot waits for it"),
      );
    },
  };
}
