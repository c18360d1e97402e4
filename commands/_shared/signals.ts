/** The process signals of the long-running commands (watch, consume): the library is told, never touches them. */

/** Aborted at the first SIGTERM or SIGINT: the command stops what it follows, records what is in flight, closes. */
export function stopSignal(): AbortSignal {
  const stop = new AbortController()
  process.once('SIGTERM', () => stop.abort())
  process.once('SIGINT', () => stop.abort())
  return stop.signal
}

/** SIGHUP calls `listener` until the returned function is called (the journal is reopened on SIGHUP). */
export function onSighup(listener: () => void): () => void {
  process.on('SIGHUP', listener)
  return () => process.off('SIGHUP', listener)
}
