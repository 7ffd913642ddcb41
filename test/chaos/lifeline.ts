// One afk process's hold on the outside world, for crash tests over the in-memory twins.
// Every port afk is given goes through its lifeline: while afk lives, a call goes to
// the twin; once afk is dead, no call of its returns, ever (a killed process neither
// sees an answer nor makes another request). The write counter is shared by the
// processes of one test: "kill afk right after its k-th outbound write" counts writes
// across GitHub, T3 and Slack together, and the k-th write lands in the twin before
// afk dies without seeing its answer.

/** The port methods that write (each an outbound request that changes the system). */
export const WRITES = {
  github: new Set([
    "createComment",
    "updateComment",
    "addLabels",
    "removeLabel",
    "ensureLabel",
    "closeIssue",
    "reopenIssue",
    "redeliver",
  ]),
  t3: new Set(["createProject", "createThread", "startTurn", "interruptTurn"]),
  slack: new Set(["postDoorbell", "updateDoorbell", "replyInThread", "postMessage", "addReaction", "postEphemeral"]),
  none: new Set<string>(),
} as const;

export type WriteSystem = keyof typeof WRITES;

/** Every outbound write of every afk process of a test, in order, and when to kill the one that makes the k-th. */
export class WriteCounter {
  /** `system.method` of each write that reached a twin. */
  readonly log: string[] = [];
  /** Kill afk right after this write (1-based); null: never. */
  crashAt: number | null = null;

  get count(): number {
    return this.log.length;
  }
}

export class Lifeline {
  readonly #counter: WriteCounter;
  readonly #elapse: () => void;
  #dead = false;
  #onDeath: () => void = () => undefined;
  /** Resolves when this process dies. */
  readonly died: Promise<void>;
  /** What a dead process's calls wait on: nothing settles it (one per process, so it can be collected with it). */
  readonly #never = new Promise<never>(() => undefined);

  /** `elapse` moves the world's clock on a little at each call: time passes during I/O. */
  constructor(counter: WriteCounter, elapse: () => void = () => undefined) {
    this.#counter = counter;
    this.#elapse = elapse;
    this.died = new Promise((resolve) => (this.#onDeath = resolve));
  }

  get dead(): boolean {
    return this.#dead;
  }

  kill(): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#onDeath();
  }

  /** Waits for `work`, unless the process dies first (then resolves with "dead"). */
  async orDeath<T>(work: Promise<T>): Promise<T | "dead"> {
    return Promise.race([work, this.died.then(() => "dead" as const)]);
  }

  /** The port as this process sees it: calls pass while it lives; the k-th write kills it once applied. */
  guard<T extends object>(system: WriteSystem, port: T): T {
    const writes: ReadonlySet<string> = WRITES[system];
    return new Proxy(port, {
      get: (target, property) => {
        // The twins keep their state in private fields: methods run on the twin itself.
        const value: unknown = Reflect.get(target, property);
        if (typeof value !== "function" || typeof property !== "string") return value;
        return (...args: unknown[]) =>
          this.#call(`${system}.${property}`, writes.has(property), () =>
            (value as (...a: unknown[]) => Promise<unknown>).apply(target, args),
          );
      },
    });
  }

  async #call(name: string, isWrite: boolean, run: () => Promise<unknown>): Promise<unknown> {
    if (this.#dead) return this.#never;
    this.#elapse();
    const answer = await run();
    if (this.#dead) return this.#never;
    if (isWrite) {
      this.#counter.log.push(name);
      if (this.#counter.count === this.#counter.crashAt) {
        this.kill();
        return this.#never;
      }
    }
    return answer;
  }
}
