// afk's logger: Probot's (pino, named `probot`, pretty or JSON through Probot's own
// formatter `@probot/pino`, Sentry when SENTRY_DSN is set), plus what Probot's lacks:
// a redaction list (credentials by path) and the secret scrubber (credentials by value)
// on every line. afk hands it to Probot's `run`, so Probot's HTTP access log, its
// webhook errors, Octokit's request log, Bolt's log and afk's own all go through it.

import { getTransformStream } from "@probot/pino";
import { pino, type Logger } from "pino";
import type { LogSettings } from "../../core/config/log-settings.js";
import { STATUS_CREDENTIAL_LOG_PATHS } from "../http/status-routes.js";
import { REDACTED, type SecretScrubber } from "./secret-scrubber.js";

/**
 * Where credentials sit in the objects afk and its libraries log (pino paths): request
 * headers in pino-http's access log (GitHub's and Slack's signatures, the status page's
 * bearer token and cookie), a response's cookie, Octokit's request in a RequestError,
 * the signature @octokit/webhooks attaches to a refused delivery, and fields named for
 * secrets wherever a config-like object is logged.
 */
export const REDACT_PATHS: readonly string[] = [
  ...STATUS_CREDENTIAL_LOG_PATHS,
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  'req.headers["x-slack-signature"]',
  'res.headers["set-cookie"]',
  "err.request.headers.authorization",
  "err.response.headers.authorization",
  "err.event.signature",
  "err.event.event.signature",
  "err.aggregateErrors[*].event.signature",
  "event.signature",
  "headers.authorization",
  "headers.cookie",
  ...["token", "botToken", "signingSecret", "secret", "privateKey", "password"].flatMap((key) => [key, `*.${key}`]),
];

export interface LogDestination {
  write(line: string): unknown;
}

export interface RedactingLoggerOptions {
  readonly level: string;
  readonly messageKey?: string;
  readonly scrubber: SecretScrubber;
  /** Receives each finished line (JSON), scrubbed. */
  readonly destination: LogDestination;
}

/** The logger itself, writing JSON lines to `destination`: what production and the tests share. */
export function createRedactingLogger(options: RedactingLoggerOptions): Logger {
  const { scrubber, destination } = options;
  return pino(
    {
      level: options.level,
      name: "probot",
      messageKey: options.messageKey ?? "msg",
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    },
    { write: (line: string) => void destination.write(scrubber.scrub(line)) },
  );
}

/** The process's logger: scrubbed JSON lines, then Probot's formatter, then standard output. */
export async function createAfkLogger(settings: LogSettings, scrubber: SecretScrubber): Promise<Logger> {
  const format = await getTransformStream({
    logFormat: settings.format,
    logLevelInString: settings.levelInString,
    ...(settings.sentryDsn === null ? {} : { sentryDsn: settings.sentryDsn }),
  });
  // As Probot's own getLog does; SonicBoom is a writable stream in all but its type.
  format.pipe(pino.destination(1) as unknown as NodeJS.WritableStream);
  return createRedactingLogger({
    level: settings.level,
    messageKey: settings.messageKey,
    scrubber,
    destination: format,
  });
}
