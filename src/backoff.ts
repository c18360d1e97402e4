/**
 * The one backoff of wd: HTTP retries, webhook deliveries and the QMP and libvirt followers all wait with it, so a
 * cloud or a host that is struggling is given the same room everywhere: the first wait, then each one doubled, up
 * to a ceiling; a follower that got through starts again from the first wait.
 */
export class Backoff {
  private waits = 0

  constructor(
    private readonly firstMs: number,
    private readonly maxMs = Number.POSITIVE_INFINITY,
  ) {}

  /** The next wait, in ms. */
  next(): number {
    return Math.min(this.firstMs * 2 ** this.waits++, this.maxMs)
  }

  /** After a success: the next wait is the first one again. */
  reset(): void {
    this.waits = 0
  }
}

/** Waits `ms`, or less when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal?.aborted) return done()
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop)
      done()
    }, ms)
    const stop = () => {
      clearTimeout(timer)
      done()
    }
    signal?.addEventListener('abort', stop, {once: true})
  })
}
