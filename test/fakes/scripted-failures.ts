// Failures a test scripts into a fake server, queued per target (a route, a command
// type, a Web API method): each request to the target takes the next one, if any.

export class ScriptedFailures<Target, Failure> {
  readonly #queues = new Map<Target, Failure[]>();

  add(target: Target, failure: Failure, times: number): void {
    const queue = this.#queues.get(target) ?? [];
    for (let n = 0; n < times; n += 1) queue.push(failure);
    this.#queues.set(target, queue);
  }

  /** The next failure scripted for the target, or undefined. */
  take(target: Target): Failure | undefined {
    return this.#queues.get(target)?.shift();
  }
}
