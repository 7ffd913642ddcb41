// The agent's status line (DESIGN section 6, `STATUS_LINE_FORMS` in prompts.ts). Models
// dress lines in markdown, so the parser looks through quotes, list markers, headings,
// bold and backticks; it never guesses at a value it does not know.

import type { AgentStatus } from "../run/run-types.js";

// Any mix of quote markers, one list bullet or heading marker: `> - `, `* `, `### `.
const LEAD = /^(?:(?:>|[-*+](?=[ \t])|#{1,6}(?=[ \t]))[ \t]*)*/;
// `**AFK-STATUS:**` and `**AFK-STATUS**:` as well as the bare key.
const KEY = /^(\*\*|__)?afk-status(?:\1)?[ \t]*:[ \t]*(?:\1)?(.*)$/i;
const TESTS = /^tests-(red|green)(?![\w-])/i;
// A commit sha, abbreviated or full; the backticks a model puts around one are allowed.
const PUSHED = /^pushed:?[ \t]+`?([0-9a-f]{7,40})`?(?![\w-])/i;
// The colon is optional (`blocked on credentials`): the agent plainly says it is stuck,
// and a human reads the rest. Bare `blocked` or `blocked:` says nothing and is no status.
const BLOCKED = /^blocked(?::|[ \t])(.*)$/i;
const GAVE_UP = /^gave[- ]up(?::|[ \t])(.*)$/i;
const EMPHASIS = ["**", "__", "*", "_"] as const;

/** The markup wrapped around the whole of `text`, or null. */
function toWrapper(text: string): string | null {
  const ticks = /^`+/.exec(text)?.[0];
  if (ticks !== undefined) {
    const closed = text.length > 2 * ticks.length && text.endsWith(ticks) && !text.endsWith(`\`${ticks}`);
    return closed ? ticks : null;
  }
  return EMPHASIS.find((mark) => text.length > 2 * mark.length && text.startsWith(mark) && text.endsWith(mark)) ?? null;
}

function unwrap(text: string): string {
  let current = text.trim();
  for (let wrapper = toWrapper(current); wrapper !== null; wrapper = toWrapper(current)) {
    current = current.slice(wrapper.length, current.length - wrapper.length).trim();
  }
  return current;
}

function toText(match: RegExpExecArray | null): string | null {
  const text = (match?.[1] ?? "").trim();
  return text === "" ? null : text;
}

function parseValue(value: string): AgentStatus | null {
  const tests = TESTS.exec(value);
  if (tests !== null) return tests[1]!.toLowerCase() === "red" ? { kind: "tests-red" } : { kind: "tests-green" };
  const sha = PUSHED.exec(value)?.[1];
  if (sha !== undefined) return { kind: "pushed", sha: sha.toLowerCase() };
  const question = toText(BLOCKED.exec(value));
  if (question !== null) return { kind: "blocked", question };
  const why = toText(GAVE_UP.exec(value));
  return why === null ? null : { kind: "gave-up", why };
}

function parseLine(line: string): AgentStatus | null {
  const key = KEY.exec(unwrap(line.trim().replace(LEAD, "")));
  return key === null ? null : parseValue(unwrap(key[2]!));
}

/** The last valid status line in `message`, or null when there is none. */
export function parseStatusLine(message: string | null | undefined): AgentStatus | null {
  if (message === null || message === undefined) return null;
  for (const line of message.split(/\r?\n/).reverse()) {
    const status = parseLine(line);
    if (status !== null) return status;
  }
  return null;
}
