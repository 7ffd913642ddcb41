// Reads a request to `/slack/events` before Bolt does, so that a signed body Bolt would
// choke on never reaches it (slack-request-shape.ts says which). The body is buffered
// here and handed to Bolt as `rawBody`, which Bolt's receiver uses instead of reading the
// stream again (so its own signature check still sees the exact bytes). Signature
// failures, unparsable bodies and Slack's SSL check are left to Bolt, which answers them
// as it always has (401, 400, 200).

import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseQuery } from "node:querystring";
import { isValidSlackRequest } from "@slack/bolt";
import { judgeSlackBody } from "./slack-request-shape.js";

/** Bolt's own limit (HTTPModuleFunctions.defaultBodyLimit): Slack's requests are far smaller. */
export const SLACK_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export interface SlackGuardLog {
  debug(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

type Buffered = IncomingMessage & { rawBody?: Buffer };

/** Reads the whole body, or null once it exceeds the limit (the rest is drained, not kept). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size <= limit) chunks.push(bytes);
  }
  return size > limit ? null : Buffer.concat(chunks);
}

/** As Bolt parses it (HTTPModuleFunctions.parseHTTPRequestBody): a form's `payload` is JSON. */
function parseBody(text: string, contentType: string | undefined): unknown {
  if (contentType === "application/x-www-form-urlencoded") {
    const form = parseQuery(text);
    return typeof form.payload === "string" ? JSON.parse(form.payload) : form;
  }
  return JSON.parse(text);
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return typeof value === "string" ? value : "";
}

/**
 * True when Bolt should handle the request (its `rawBody` is then set); false when it
 * was answered here: 413 for a body over the limit, 400 for a signed body that is not a
 * JSON object, 200 for a signed request of a kind afk does not read.
 */
export async function guardSlackRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: { readonly signingSecret: string; readonly log: SlackGuardLog },
): Promise<boolean> {
  const body = await readBody(req, SLACK_BODY_LIMIT_BYTES);
  if (body === null) {
    options.log.warn({ limit: SLACK_BODY_LIMIT_BYTES }, "Slack request over the size limit: refused");
    res.writeHead(413).end();
    return false;
  }
  (req as Buffered).rawBody = body;
  const text = body.toString("utf8");
  const signed = isValidSlackRequest({
    signingSecret: options.signingSecret,
    body: text,
    headers: {
      "x-slack-signature": header(req, "x-slack-signature"),
      "x-slack-request-timestamp": Number(header(req, "x-slack-request-timestamp")),
    },
  });
  if (!signed) return true;
  let parsed: unknown;
  try {
    parsed = parseBody(text, req.headers["content-type"]);
  } catch {
    // Bolt answers an unparsable body with 400 and says why.
    return true;
  }
  const verdict = judgeSlackBody(parsed);
  if (verdict.kind === "bolt") return true;
  if (verdict.kind === "malformed") {
    options.log.warn({}, "signed Slack request whose body is not a JSON object: refused");
    res.writeHead(400).end();
    return false;
  }
  options.log.debug({ why: verdict.why }, "signed Slack request afk does not read: acknowledged and ignored");
  res.writeHead(200).end();
  return false;
}
