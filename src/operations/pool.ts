/**
 * Bounded concurrency: a cloud's API is asked at most `limit` things at once, whether wd writes (apply) or reads one
 * thing per flavor (access lists, servers); an unbounded burst of hundreds of requests makes a small Nova time out.
 */

/** How many reads a plan sends at once. */
export const READS_AT_ONCE = 8

/** Runs `tasks` with at most `limit` at once, in order of start. */
export async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out = new Array<T>(tasks.length)
  let next = 0
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++
      out[i] = await tasks[i]!()
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, tasks.length)}, worker))
  return out
}
