// The service account token cache: at most a minute old, re-read on demand.

import { describe, expect, it } from "vitest";
import { createTokenSource, TOKEN_REFRESH_MS } from "../../../src/adapters/kubernetes/kube-token.js";

const TOKEN_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token";
const WHAT = "GET /x";

/** A token file whose content the test changes, with a clock the test moves. */
function harness(initial: string | Buffer | Error) {
  const state = { content: initial, now: 1_000_000, reads: 0 };
  const source = createTokenSource({
    tokenFile: TOKEN_FILE,
    now: () => state.now,
    readFile: async (path) => {
      expect(path).toBe(TOKEN_FILE);
      state.reads += 1;
      if (state.content instanceof Error) throw state.content;
      return state.content;
    },
  });
  return { state, source };
}

async function tokenOf(promise: ReturnType<ReturnType<typeof createTokenSource>["current"]>): Promise<string> {
  const result = await promise;
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe("createTokenSource", () => {
  it("serves the cached token for just under a minute, then reads the file again", async () => {
    const { state, source } = harness("token-a\n");
    expect(await tokenOf(source.current(WHAT))).toBe("token-a");
    state.content = "token-b";
    state.now += TOKEN_REFRESH_MS - 1;
    expect(await tokenOf(source.current(WHAT))).toBe("token-a");
    expect(state.reads).toBe(1);
    state.now += 1;
    expect(await tokenOf(source.current(WHAT))).toBe("token-b");
    expect(state.reads).toBe(2);
  });

  it("re-reads on demand whatever the cache holds, and caches the fresh token", async () => {
    const { state, source } = harness("token-a");
    await tokenOf(source.current(WHAT));
    state.content = "token-b";
    expect(await tokenOf(source.reread(WHAT))).toBe("token-b");
    expect(await tokenOf(source.current(WHAT))).toBe("token-b");
    expect(state.reads).toBe(2);
  });

  it("accepts the file as bytes", async () => {
    const { source } = harness(Buffer.from("  token-bytes \n"));
    expect(await tokenOf(source.current(WHAT))).toBe("token-bytes");
  });

  it.each([
    [
      "a missing file",
      Object.assign(new Error("nope"), { code: "ENOENT" }),
      `cannot read the token file ${TOKEN_FILE} (ENOENT)`,
    ],
    ["an unreadable file without a code", new Error("nope"), `cannot read the token file ${TOKEN_FILE} (unreadable)`],
    ["an empty file", " \n", `the token file is empty (${TOKEN_FILE})`],
    ["a token with a space", "abc def", `the token has spaces or control characters (${TOKEN_FILE})`],
    ["a token with a control character", "abc\u0007def", "the token has spaces or control characters"],
  ])("%s is unauthorized, without the file's content", async (_case, content, why) => {
    const { source } = harness(content);
    const result = await source.current(WHAT);
    expect(result).toMatchObject({ ok: false, error: { category: "unauthorized", status: null } });
    if (result.ok) return;
    expect(result.error.message).toContain(why);
    expect(result.error.message).not.toContain("abc");
  });

  it("drops the cache when a read fails, so a broken file is reported on every call", async () => {
    const { state, source } = harness("token-a");
    await tokenOf(source.current(WHAT));
    state.content = "";
    expect((await source.reread(WHAT)).ok).toBe(false);
    expect((await source.current(WHAT)).ok).toBe(false);
    state.content = Object.assign(new Error("gone"), { code: "ENOENT" });
    expect((await source.reread(WHAT)).ok).toBe(false);
    state.content = "token-c";
    expect(await tokenOf(source.current(WHAT))).toBe("token-c");
  });
});
