// A process-level trap for the failures a request handler can leave behind without
// failing its request: a promise rejected with nobody listening, an exception thrown
// outside any handler. Suites that feed afk hostile input assert that none fired.

export interface ProcessErrorTrap {
  /** What fired since the trap was set, in order. */
  readonly errors: readonly string[];
  release(): void;
}

export function trapProcessErrors(): ProcessErrorTrap {
  const errors: string[] = [];
  const onRejection = (reason: unknown): void => void errors.push(`unhandledRejection: ${describe(reason)}`);
  const onException = (error: unknown): void => void errors.push(`uncaughtException: ${describe(error)}`);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return {
    errors,
    release: () => {
      process.off("unhandledRejection", onRejection);
      process.off("uncaughtException", onException);
    },
  };
}

function describe(value: unknown): string {
  return value instanceof Error ? (value.stack ?? value.message) : String(value);
}
