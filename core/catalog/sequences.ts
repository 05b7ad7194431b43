/**
 * Sequences: named BIGINT counters (CREATE SEQUENCE, nextval, currval, setval). Which sequences
 * exist is transactional, versioned like tables (another transaction sees a sequence only once
 * its CREATE committed, and keeps seeing a dropped one until the DROP commits); the counter is
 * not: a value handed out stays used even when its transaction rolls back, as in DuckDB and
 * PostgreSQL, so concurrent transactions never get the same value and nextval takes no write lock.
 */
import type { Catalog, Transaction } from './catalog.ts'
import type { SequenceAccess } from '../hooks/contracts.ts'
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import { MemoryTransaction } from './transaction.ts'
import { exprChildren, type BoundExpr } from '../plan/expr.ts'

export const INT64_MIN = -(2n ** 63n)
export const INT64_MAX = 2n ** 63n - 1n

export interface SequenceOptions {
  readonly increment: bigint
  readonly minValue: bigint
  readonly maxValue: bigint
  readonly start: bigint
  readonly cycle: boolean
}

/** the counter's state, as storage keeps it */
export interface SequenceState {
  /** the value the next nextval returns (before range checks) */
  readonly counter: bigint
  /** the value the last nextval returned (currval) */
  readonly lastValue: bigint
  /** how many values were handed out; 0 = currval is undefined */
  readonly usageCount: number
}

export class Sequence {
  counter: bigint
  lastValue: bigint
  usageCount = 0

  constructor(readonly schema: string, readonly name: string, readonly options: SequenceOptions, readonly temporary: boolean) {
    this.counter = options.start
    this.lastValue = options.start
  }

  /**
   * DuckDB's rules: a CYCLE sequence past a bound starts again from the other one; another one
   * fails, also when the step after this value would leave BIGINT's range. The counter is an
   * unbounded bigint, so it may stand past a bound until the next call.
   */
  next(): bigint {
    const { increment, minValue, maxValue, cycle } = this.options
    let result = this.counter
    if (result < minValue || result > maxValue) {
      if (!cycle) throw this.limit(result < minValue ? 'minimum' : 'maximum')
      result = increment > 0n ? minValue : maxValue
    }
    const next = result + increment
    if (!cycle && (next > INT64_MAX || next < INT64_MIN)) throw this.limit(increment < 0n ? 'minimum' : 'maximum')
    this.counter = next
    this.lastValue = result
    this.usageCount++
    return result
  }

  current(): bigint {
    if (this.usageCount === 0) {
      throw new GrizzlyError(SqlState.objectNotInPrerequisiteState, `currval: sequence "${this.name}" is not yet defined in this session`, {
        hint: `call nextval('${this.name}') first`,
      })
    }
    return this.lastValue
  }

  /** PostgreSQL's setval: with `called` the next nextval returns value + increment, else value itself */
  set(value: bigint, called: boolean): bigint {
    const { minValue, maxValue, increment } = this.options
    if (value < minValue || value > maxValue) {
      throw new GrizzlyError(SqlState.numericOutOfRange, `setval: value ${value} is out of bounds for sequence "${this.name}" (${minValue}..${maxValue})`, {
        hint: `give a value between ${minValue} and ${maxValue}`,
      })
    }
    if (called) {
      this.lastValue = value
      this.usageCount++
    }
    this.counter = called ? value + increment : value
    return value
  }

  get state(): SequenceState { return { counter: this.counter, lastValue: this.lastValue, usageCount: this.usageCount } }

  restore(state: SequenceState): void {
    this.counter = state.counter
    this.lastValue = state.lastValue
    this.usageCount = state.usageCount
  }

  /** the CREATE SEQUENCE statement of the definition (not the counter) */
  sql(quote: (name: string) => string): string {
    const o = this.options
    return `CREATE SEQUENCE ${quote(this.schema)}.${quote(this.name)} INCREMENT BY ${o.increment} MINVALUE ${o.minValue} MAXVALUE ${o.maxValue} START WITH ${o.start}${o.cycle ? ' CYCLE' : ' NO CYCLE'}`
  }

  private limit(which: 'minimum' | 'maximum'): GrizzlyError {
    const bound = which === 'minimum' ? this.options.minValue : this.options.maxValue
    return new GrizzlyError(SqlState.sequenceLimitExceeded, `nextval: reached ${which} value of sequence "${this.name}" (${bound})`, {
      hint: `declare the sequence with CYCLE to wrap around, or widen its ${which === 'minimum' ? 'MINVALUE' : 'MAXVALUE'}`,
    })
  }
}

/**
 * The options of CREATE SEQUENCE, with DuckDB's defaults: ascending sequences run from 1 to
 * BIGINT's maximum, descending ones from -1 down to its minimum; START defaults to the bound the
 * sequence starts from. `given` holds the options written, each at most once.
 */
export function sequenceOptions(given: ReadonlyMap<string, bigint | null>, position?: number): SequenceOptions {
  const fail = (message: string, hint: string): GrizzlyError => new GrizzlyError(SqlState.invalidParameterValue, message, { position, hint })
  const increment = given.get('increment') ?? 1n
  if (increment === 0n) throw fail('Increment must not be zero', 'use INCREMENT BY 1 (or any value other than 0)')
  const minGiven = given.get('minvalue') ?? null
  const maxGiven = given.get('maxvalue') ?? null
  const minValue = minGiven ?? (increment > 0n ? 1n : INT64_MIN)
  const maxValue = maxGiven ?? (increment > 0n ? INT64_MAX : -1n)
  const start = given.get('start') ?? (increment > 0n ? minValue : maxValue)
  if (maxValue <= minValue) throw fail(`MINVALUE (${minValue}) must be less than MAXVALUE (${maxValue})`, 'swap the two bounds')
  if (start < minValue) throw fail(`START value (${start}) cannot be less than MINVALUE (${minValue})`, 'lower MINVALUE or raise START')
  if (start > maxValue) throw fail(`START value (${start}) cannot be greater than MAXVALUE (${maxValue})`, 'raise MAXVALUE or lower START')
  return { increment, minValue, maxValue, start, cycle: given.has('cycle') }
}

/** the scalar functions that name a sequence in their first argument */
export const SEQUENCE_FUNCTIONS: ReadonlySet<string> = new Set(['nextval', 'currval', 'setval'])

/**
 * 'seq', 'sch.seq', '"Odd.Name"': a sequence name as nextval takes it (a leading database name
 * is ignored, as in table names). Unquoted parts are compared case-insensitively anyway.
 */
export function parseSequenceName(text: string, position?: number): { database: string | null; schema: string | null; name: string } {
  const parts: string[] = []
  let i = 0
  for (;;) {
    let part = ''
    if (text[i] === '"') {
      i++
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) { part += text[i]; i += text[i] === '"' ? 2 : 1 }
      if (i >= text.length) throw badName(text, position)
      i++
    } else {
      while (i < text.length && text[i] !== '.') part += text[i++]
      part = part.trim()
    }
    if (part === '') throw badName(text, position)
    parts.push(part)
    if (i >= text.length) break
    if (text[i] !== '.') throw badName(text, position)
    i++
  }
  if (parts.length > 3) throw badName(text, position)
  return { database: parts.length === 3 ? parts[0]! : null, schema: parts.length >= 2 ? parts[parts.length - 2]! : null, name: parts[parts.length - 1]! }
}

function badName(text: string, position?: number): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameterValue, `invalid sequence name "${text}"`, { position, hint: "name the sequence as 'name' or 'schema.name'" })
}

/** the sequences named by constant arguments of nextval / currval / setval in `expr` (a column DEFAULT) */
export function sequenceNamesIn(expr: BoundExpr, out: { schema: string | null; name: string }[] = []): { schema: string | null; name: string }[] {
  if (expr.kind === 'call' && SEQUENCE_FUNCTIONS.has(expr.fn.name)) {
    const arg = expr.args[0]
    const value = arg?.kind === 'const' ? arg.value : arg?.kind === 'cast' && arg.expr.kind === 'const' ? arg.expr.value : null
    if (typeof value === 'string') {
      try { out.push(parseSequenceName(value)) } catch { /* a bad name fails when the default runs */ }
    }
  }
  for (const child of exprChildren(expr)) sequenceNamesIn(child, out)
  return out
}

/**
 * The sequence a nextval / currval / setval call names, as `txn` sees it. Using a counter marks
 * the transaction, so durable storage logs the counter when it commits.
 */
export function sequenceAccess(catalog: Catalog, txn: Transaction, text: string): SequenceAccess {
  const ref = parseSequenceName(text)
  const s = catalog.lookupSequence(txn, ref.schema, ref.name)
  if (s === undefined) {
    throw new GrizzlyError(SqlState.undefinedTable, `Sequence with name ${ref.name} does not exist!`, {
      hint: didYouMean(ref.name, catalog.sequences(txn).map(x => x.name)) ?? `create it first: CREATE SEQUENCE ${ref.name}`,
    })
  }
  const changing = (what: string): void => {
    if (txn.readOnly) throw new GrizzlyError(SqlState.readOnlyTransaction, `cannot call ${what} in a read-only transaction`)
    if (txn instanceof MemoryTransaction) txn.usedSequences.add(s)
  }
  return {
    next: () => { changing('nextval'); return s.next() },
    current: () => s.current(),
    set: (value, called) => { changing('setval'); return s.set(value, called) },
  }
}
