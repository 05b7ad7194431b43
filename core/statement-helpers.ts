/**
 * Small pieces of running statements that database.ts uses: error decoration with the caret,
 * the seeded random generator, change counts and text results.
 */
import { GrizzlyError, InternalError, SqlState, describePosition } from './errors.ts'
import { VARCHAR } from './types/types.ts'
import { DataChunk, vectorFromValues } from './vector/vector.ts'
import { Result, resultColumn, type ResultColumn, type StatementType } from './result.ts'
import type { LogicalPlan } from './plan/logical.ts'
import type { Transaction } from './catalog/catalog.ts'
import type { FunctionContext, ProgressSink, SequenceAccess, SessionDatabases, StoredModel } from './hooks/contracts.ts'
import type { Value } from './types/types.ts'
import type { Attachments } from './attach/attachments.ts'
import type { Statement } from './parser/ast.ts'

/**
 * The FunctionContext of one statement. Its methods live on the class rather than in closures
 * made per statement: a prepared point lookup runs in a few microseconds, and each closure
 * (named by the loader's keepNames helper) costs a noticeable part of that.
 */
export class StatementFunctions implements FunctionContext {
  private time = -1

  constructor(
    private readonly session: SessionLike,
    private readonly txn: Transaction,
    readonly progress: ProgressSink | undefined,
  ) {}

  /** the clock is read when a statement first asks (a point lookup never does), then kept for the whole statement */
  get statementTime(): number {
    if (this.time < 0) this.time = Date.now() * 1000
    return this.time
  }

  setting(name: string): Value { return this.session.sessionFunctions.setting(name) }
  random(): number { return this.session.sessionFunctions.random() }
  setSeed(seed: number): void { this.session.sessionFunctions.setSeed(seed) }
  sequence(name: string): SequenceAccess { return this.session.database.attachments.sequence(this.session, this.txn, name) }
  model(name: string): StoredModel | undefined { return this.session.database.attachments.currentCatalog(this.session).models.get(this.txn, name) }
  databases(): SessionDatabases { return this.session.database.attachments.describe(this.session) }
}

/** what StatementFunctions needs of a session (core/database.ts Connection) */
interface SessionLike {
  readonly database: { readonly attachments: Attachments }
  readonly sessionFunctions: Pick<FunctionContext, 'setting' | 'random' | 'setSeed'>
}

/** random() after setseed(seed), seed in [-1, 1] */
export function seededRandom(seed: number): () => number {
  return mulberry32(Math.floor(seed * 2 ** 31))
}

/** mulberry32 over a 32-bit state: small, fast, good enough for random() and generated test data */
export function mulberry32(state: number): () => number {
  let a = state >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Adds "LINE l:c" and a caret under the place of the error to positioned errors. */
export function decorate<T>(sql: string, work: () => T): T {
  try {
    return work()
  } catch (e) {
    throw decorated(sql, e)
  }
}

/** what `decorate` throws for `e`, for callers that catch themselves (no closure per statement) */
export function decorated(sql: string, e: unknown): GrizzlyError {
  if (e instanceof GrizzlyError) {
    if (e.position !== undefined && !e.message.includes('\nLINE ')) {
      return new GrizzlyError(e.code, `${e.message}\n${describePosition(sql, e.position)}`, { position: e.position, hint: e.hint, cause: e.cause })
    }
    return e
  }
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new GrizzlyError(SqlState.programLimitExceeded, 'the statement is nested too deeply', { hint: 'simplify the expression or split the query' })
  }
  return new InternalError(e instanceof Error ? e.message : String(e), e)
}

const textsOf = new WeakMap<readonly Statement[], readonly string[]>()

/** each statement's own text (no trailing semicolon); kept per parsed script, which a prepared statement runs many times */
export function statementTexts(sql: string, statements: readonly Statement[]): readonly string[] {
  let texts = textsOf.get(statements)
  if (texts === undefined) {
    texts = statements.map((stmt, i) => {
      const next = statements[i + 1]
      return sql.slice(stmt.pos, next === undefined ? sql.length : next.pos).trim().replace(/;\s*$/, '')
    })
    textsOf.set(statements, texts)
  }
  return texts
}

const columnsOf = new WeakMap<LogicalPlan, readonly ResultColumn[]>()

/** a query's result columns, named as bound; kept per plan (a prepared statement's plan runs many times) */
export function resultColumnsOf(plan: LogicalPlan, names: readonly string[]): readonly ResultColumn[] {
  let columns = columnsOf.get(plan)
  if (columns === undefined) {
    columns = plan.output.map((c, i) => resultColumn(names[i] ?? c.name, c.type))
    columnsOf.set(plan, columns)
  }
  return columns
}

export function countChanges(chunks: readonly DataChunk[], columns: number): number {
  if (columns !== 1) return chunks.reduce((s, c) => s + c.size, 0)
  const first = chunks[0]
  if (first === undefined || first.size !== 1) return chunks.reduce((s, c) => s + c.size, 0)
  const v = first.column(0).data
  return v instanceof BigInt64Array ? Number(v[0]) : chunks.reduce((s, c) => s + c.size, 0)
}

export function textResult(names: readonly string[], rows: readonly (readonly string[])[], type: StatementType): Result {
  const columns = names.map(n => resultColumn(n, VARCHAR))
  const vectors = names.map((_, c) => vectorFromValues(VARCHAR, rows.map(r => r[c] ?? null)))
  return new Result(columns, [new DataChunk(vectors, rows.length)], type)
}
