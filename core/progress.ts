/**
 * Progress reports and cancellation for one call of `query` / `exec`. Statements run
 * synchronously, so the engine checks in between chunks (every operator, every file block):
 * each check may call `onProgress` (at most every `progressIntervalMs`) and throws 57014 once the
 * signal is aborted. The checks cost one clock read per chunk, and nothing when no one watches.
 */
import { GrizzlyError, SqlState } from './errors.ts'
import type { ProgressSink } from './hooks/contracts.ts'

export interface QueryProgress {
  /** rows read from tables so far */
  readonly rowsRead: number
  /** rows in the tables being scanned (0 when none are) */
  readonly rowsTotal: number
  /** bytes read from files so far */
  readonly bytesRead: number
  /** size of the files being read (0 when none are) */
  readonly bytesTotal: number
  readonly elapsedMs: number
  /** 0..1 when the work ahead is known (bytes of files, else rows of tables), else null */
  readonly fraction: number | null
}

export interface QueryOptions {
  /** cancels the running statement with 57014; checked between chunks */
  readonly signal?: AbortSignal
  /** called while a statement runs, at most every `progressIntervalMs`, and once when a statement ends */
  readonly onProgress?: (progress: QueryProgress) => void
  /** default 100 ms */
  readonly progressIntervalMs?: number
  /**
   * cancels a statement still running after this many milliseconds (57014, as PostgreSQL's
   * statement_timeout); measured on the engine's own clock, so it works without the event loop
   */
  readonly timeoutMs?: number
}

export function canceledError(): GrizzlyError {
  return new GrizzlyError(SqlState.queryCanceled, 'canceling statement due to user request', {
    hint: 'the statement was stopped and its changes undone; run it again to finish it',
  })
}

function timeoutError(ms: number): GrizzlyError {
  return new GrizzlyError(SqlState.queryCanceled, 'canceling statement due to statement timeout', {
    hint: `the statement ran longer than ${ms} ms and was undone; raise timeoutMs or make the statement cheaper`,
  })
}

/** The state behind one watched statement: counters, the clock, and the check the engine calls. */
export class StatementWatch {
  private rowsRead = 0
  private rowsTotal = 0
  private bytesRead = 0
  private bytesTotal = 0
  private readonly started = performance.now()
  private lastReport: number
  private readonly interval: number
  private statementStart: number
  private readonly timeout: number
  private reporting = false

  readonly files: ProgressSink
  readonly rows: { addTotal(rows: number): void; addRows(rows: number): void }

  constructor(private readonly options: QueryOptions) {
    this.interval = options.progressIntervalMs ?? 100
    this.lastReport = this.started
    this.statementStart = this.started
    this.timeout = options.timeoutMs ?? Infinity
    this.files = { addTotal: n => { this.bytesTotal += n }, addBytes: n => { this.bytesRead += n; this.check() } }
    this.rows = { addTotal: n => { this.rowsTotal += n }, addRows: n => { this.rowsRead += n } }
  }

  /** Between chunks: report when due, and stop when the signal says so. Returns false (never "canceled" by value: it throws). */
  readonly check = (): boolean => {
    if (this.aborted()) throw canceledError()
    if (this.timeout !== Infinity && performance.now() - this.statementStart > this.timeout) throw timeoutError(this.timeout)
    if (this.options.onProgress !== undefined && !this.reporting) {
      const now = performance.now()
      if (now - this.lastReport >= this.interval) {
        this.lastReport = now
        this.report(now)
        // the callback may have aborted the signal (a shell polling for Ctrl-C does)
        if (this.aborted()) throw canceledError()
      }
    }
    return false
  }

  private aborted(): boolean { return this.options.signal?.aborted === true }

  /** A script's next statement starts: the timeout counts per statement. */
  nextStatement(): void {
    this.statementStart = performance.now()
    this.check()
  }

  /** The final report of a statement (so a watcher sees 100% and can clear its display). */
  finish(): void {
    if (this.options.onProgress !== undefined) this.report(performance.now())
  }

  snapshot(now = performance.now()): QueryProgress {
    const fraction = this.bytesTotal > 0 ? Math.min(1, this.bytesRead / this.bytesTotal)
      : this.rowsTotal > 0 ? Math.min(1, this.rowsRead / this.rowsTotal) : null
    return { rowsRead: this.rowsRead, rowsTotal: this.rowsTotal, bytesRead: this.bytesRead, bytesTotal: this.bytesTotal, elapsedMs: now - this.started, fraction }
  }

  private report(now: number): void {
    this.reporting = true
    try { this.options.onProgress!(this.snapshot(now)) } finally { this.reporting = false }
  }
}
