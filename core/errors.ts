/**
 * The one error catalogue. Every user-facing failure is a GrizzlyError with a SQLSTATE code,
 * a message that says what went wrong, and where possible a position and a hint saying how to
 * fix it. Bugs in Grizzly itself are InternalError (SQLSTATE XX000).
 */

export const SqlState = {
  syntaxError: '42601',
  undefinedTable: '42P01',
  undefinedColumn: '42703',
  undefinedFunction: '42883',
  undefinedSchema: '3F000',
  undefinedObject: '42704',
  duplicateTable: '42P07',
  duplicateColumn: '42701',
  duplicateSchema: '42P06',
  duplicateObject: '42710',
  ambiguousColumn: '42702',
  groupingError: '42803',
  datatypeMismatch: '42804',
  cannotCoerce: '42846',
  invalidParameter: '42P02',
  wrongObjectType: '42809',
  invalidColumnReference: '42P10',
  windowingError: '42P20',
  divisionByZero: '22012',
  numericOutOfRange: '22003',
  invalidTextRepresentation: '22P02',
  invalidDatetimeFormat: '22007',
  datetimeOverflow: '22008',
  stringTooLong: '22001',
  invalidParameterValue: '22023',
  invalidRegex: '2201B',
  nullValueNotAllowed: '22004',
  cardinalityViolation: '21000',
  notNullViolation: '23502',
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  activeTransaction: '25001',
  /** a second ATTACHed database written in one transaction */
  invalidTransactionState: '25000',
  noActiveTransaction: '25P01',
  /** EXECUTE / DEALLOCATE of a name no PREPARE gave */
  invalidSqlStatementName: '26000',
  readOnlyTransaction: '25006',
  serializationFailure: '40001',
  insufficientPrivilege: '42501',
  featureNotSupported: '0A000',
  dependentObjects: '2BP01',
  /** a sequence past its MINVALUE / MAXVALUE without CYCLE */
  sequenceLimitExceeded: '2200H',
  invalidTablesampleArgument: '2202H',
  /** currval before nextval */
  objectNotInPrerequisiteState: '55000',
  /** a database file locked by another writer; DETACH of a database another transaction uses */
  objectInUse: '55006',
  /** a name qualified by a database that is not attached */
  invalidCatalogName: '3D000',
  queryCanceled: '57014',
  programLimitExceeded: '54000',
  /** a query that cannot finish within memory_limit even spilling to temp_directory */
  outOfMemory: '53200',
  /** ENOSPC while writing temporary files */
  diskFull: '53100',
  /** a worker thread of a parallel query failed or ended */
  systemError: '58000',
  ioError: '58030',
  undefinedFile: '58P01',
  /** EXPORT / BACKUP / RESTORE onto a file or folder that holds something else */
  duplicateFile: '58P02',
  badFileFormat: '22P04',
  dataCorrupted: 'XX001',
  internalError: 'XX000',
} as const

export type SqlStateCode = (typeof SqlState)[keyof typeof SqlState]

export interface ErrorDetails {
  /** 0-based character offset into the SQL text, when the error has a place. */
  readonly position?: number
  readonly hint?: string
  readonly cause?: unknown
}

export class GrizzlyError extends Error {
  override readonly name: string = 'GrizzlyError'
  readonly code: string
  readonly position: number | undefined
  readonly hint: string | undefined

  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.code = code
    this.position = details.position
    this.hint = details.hint
  }

  /** A copy that knows where in `sql` it happened; used to add line:column and a caret. */
  withPosition(position: number): GrizzlyError {
    if (this.position !== undefined) return this
    const e = new GrizzlyError(this.code, this.message, { position, hint: this.hint, cause: this.cause })
    return e
  }
}

export class InternalError extends GrizzlyError {
  override readonly name = 'InternalError'
  constructor(message: string, cause?: unknown) {
    super(SqlState.internalError, `internal error: ${message} (this is a bug in Grizzly; please report it)`, { cause })
  }
}

/** Exhaustiveness check for `kind` switches: adding a node kind fails to compile until handled. */
export function assertNever(x: never, what = 'value'): never {
  throw new InternalError(`unexpected ${what}: ${JSON.stringify((x as { kind?: unknown })?.kind ?? x)}`)
}

// ---- constructors for the common errors, so messages stay uniform ----------------------------

export function syntaxError(message: string, position?: number, hint?: string): GrizzlyError {
  return new GrizzlyError(SqlState.syntaxError, message, { position, hint })
}

export function notSupported(what: string, position?: number, hint?: string): GrizzlyError {
  return new GrizzlyError(SqlState.featureNotSupported, `${what} is not supported yet`, { position, hint })
}

/** Picks the closest candidate by edit distance, for "did you mean …?" hints. */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase()
  let best: string | undefined
  let bestScore = Infinity
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase())
    if (d < bestScore) { bestScore = d; best = c }
  }
  if (best === undefined) return undefined
  const limit = Math.max(2, Math.floor(lower.length / 3))
  return bestScore <= limit ? best : undefined
}

export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const m = closestMatch(name, candidates)
  return m === undefined ? undefined : `did you mean "${m}"?`
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1)
  for (let j = 0; j <= b.length; j++) prev[j] = j
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = up
    }
  }
  return prev[b.length]!
}

/** Renders "line L, column C" and a caret under the offending place of `sql`. */
export function describePosition(sql: string, position: number): string {
  const before = sql.slice(0, position)
  const line = before.split('\n').length
  const lineStart = before.lastIndexOf('\n') + 1
  let lineEnd = sql.indexOf('\n', position)
  if (lineEnd < 0) lineEnd = sql.length
  const column = position - lineStart + 1
  const text = sql.slice(lineStart, lineEnd)
  return `LINE ${line}:${column}: ${text}\n${' '.repeat(`LINE ${line}:${column}: `.length + column - 1)}^`
}
