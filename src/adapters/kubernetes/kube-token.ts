// The service account token, cached for at most a minute. Bound service account tokens
// are rotated by the kubelet (it rewrites the projected file long before expiry), so a
// token read once at start stops working after about an hour: the file is re-read at
// least every `TOKEN_REFRESH_MS`, and at once after a 401 (see kube-client.ts).

import { failure, type Result } from "../../ports/result.js";
import { errorCode, toBearerProblem } from "../http/http-common.js";

export const TOKEN_REFRESH_MS = 60_000;

export interface TokenSourceOptions {
  readonly tokenFile: string;
  readonly readFile: (path: string) => Promise<string | Buffer>;
  readonly now: () => number;
}

export interface TokenSource {
  /** The cached token while it is younger than `TOKEN_REFRESH_MS`, else a fresh read. */
  current(what: string): Promise<Result<string>>;
  /** A fresh read whatever the cache holds. */
  reread(what: string): Promise<Result<string>>;
}

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  let cached: { readonly token: string; readonly readAt: number } | null = null;

  async function reread(what: string): Promise<Result<string>> {
    const readAt = options.now();
    let raw: string;
    try {
      raw = String(await options.readFile(options.tokenFile));
    } catch (error) {
      // A failed read drops the cache: a token file that vanished is a fault to report, not to paper over.
      cached = null;
      const why = `cannot read the token file ${options.tokenFile} (${errorCode(error) ?? "unreadable"})`;
      return failure("kubernetes", "unauthorized", `${what}: ${why}`);
    }
    const token = raw.trim();
    const problem = token === "" ? "the token file is empty" : toBearerProblem(token);
    if (problem !== null) {
      cached = null;
      return failure("kubernetes", "unauthorized", `${what}: ${problem} (${options.tokenFile})`);
    }
    cached = { token, readAt };
    return { ok: true, value: token };
  }

  return {
    current: async (what) => {
      if (cached !== null && options.now() - cached.readAt < TOKEN_REFRESH_MS) return { ok: true, value: cached.token };
      return reread(what);
    },
    reread,
  };
}
