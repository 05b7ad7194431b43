/**
 * Grizzly in a worker thread, so check.ts can stop a query that runs too long (the engine runs
 * a query to the end without yielding). The worker generates and loads its own copy of the data
 * — the generator is deterministic, so it is the same data DuckDB gets.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openGrizzly, runGrizzly } from './harness.ts'

export interface WorkerInit { readonly scaleFactor: number; readonly seed: number }
export type WorkerRequest = { readonly id: number; readonly sql: string }

const port = parentPort
if (port === null) throw new Error('grizzly-worker.ts runs only as a worker thread')
const init = workerData as WorkerInit
const { db, timings } = await openGrizzly(init.scaleFactor, init.seed)
port.postMessage({ kind: 'ready', timings })
port.on('message', (request: WorkerRequest) => {
  void runGrizzly(db, request.sql).then(outcome => port.postMessage({ kind: 'answer', id: request.id, outcome }))
})
