/**
 * Blocking receipt of a worker thread's messages for the synchronous readers (a scan never gives
 * the event loop control): the worker counts what it posts in `state[0]` (Atomics.notify after
 * each) and sets `state[ended]` from its exit handler, so a reader blocked on a thread that
 * died fails instead of waiting forever.
 */
import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads'

/** how long a reader sleeps between checks that the worker is still alive */
const POLL_MS = 200

/**
 * The next message on `port`; `received` is how many the caller has taken before. `died` makes
 * the error thrown when the thread ended without posting one.
 */
export function takeMessage(port: MessagePort, state: Int32Array, ended: number, received: number, died: () => Error): unknown {
  for (;;) {
    const m = receiveMessageOnPort(port)
    if (m !== undefined) return m.message
    const posted = Atomics.load(state, 0)
    if (posted > received) continue
    if (Atomics.load(state, ended) === 1) {
      const last = receiveMessageOnPort(port)
      if (last !== undefined) return last.message
      throw died()
    }
    Atomics.wait(state, 0, posted, POLL_MS)
  }
}
