/**
 * Child process that runs sqllogictest files on request from pool.ts, one at a time, and
 * reports each result. A heartbeat tells the parent it is still making progress; if the engine
 * hangs or crashes this process, the parent kills or loses only this worker and the one file.
 */
import { runSltFile, type FileResult } from './runner.ts'
import { engineFactory, type EngineName } from './engines.ts'
import type { Dialect } from './compare.ts'

export interface WorkerJob {
  readonly file: string
  /** the name results are reported under */
  readonly name: string
  readonly dialect: Dialect
  readonly cwd: string
  readonly dataDir: string | undefined
  readonly engine: EngineName
}

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly line: number }
  | { readonly type: 'result'; readonly result: FileResult }

const send = (m: WorkerMessage): void => { process.send?.(m) }
const HEARTBEAT_MS = 500

process.on('message', (job: WorkerJob) => { void run(job) })
send({ type: 'ready' })

async function run(job: WorkerJob): Promise<void> {
  let lastBeat = 0
  let result: FileResult
  try {
    process.chdir(job.cwd)
    result = await runSltFile(job.file, {
      dialect: job.dialect, engine: engineFactory(job.engine), dataDir: job.dataDir,
      onProgress: line => {
        const now = Date.now()
        if (now - lastBeat >= HEARTBEAT_MS) { lastBeat = now; send({ type: 'progress', line }) }
      },
    })
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
    result = { file: job.file, status: 'fail', reason: `runner stopped: ${message}`, failure: { line: 0, sql: '', message }, recordsRun: 0, recordsPassed: 0, millis: 0 }
  }
  send({ type: 'result', result: { ...result, file: job.name } })
}
