/**
 * What the runner needs from a database: run SQL on a named connection and hand back typed
 * columns, JS values and DuckDB-style text. grizzly-engine.ts and duckdb-engine.ts adapt the two
 * engines we run the corpora against.
 */

/** How the DuckDB dialect compares a column's values. */
export type ColumnClass = 'integer' | 'float' | 'decimal' | 'boolean' | 'other'

export interface SltColumn {
  readonly name: string
  /** SQL spelling of the type, e.g. `INTEGER`, `DECIMAL(10,2)` */
  readonly type: string
  readonly class: ColumnClass
}

export interface SltResult {
  readonly columns: readonly SltColumn[]
  /** JS values, used by the SQLite dialect's type-letter rendering */
  readonly rows: readonly (readonly unknown[])[]
  /** each value as CAST(value AS VARCHAR) text; SQL NULL as null */
  readonly text: readonly (readonly (string | null)[])[]
}

export type SltOutcome =
  | { readonly kind: 'ok'; readonly result: SltResult }
  /** `crash` marks failures that are engine bugs (a plain JS error or an InternalError), not SQL errors */
  | { readonly kind: 'error'; readonly message: string; readonly crash: boolean }

export interface SltEngine {
  readonly name: string
  /** Runs one or more `;`-separated statements on `connection` (undefined = the default one). */
  execute(sql: string, connection: string | undefined): Promise<SltOutcome>
  close(): Promise<void>
}

export type EngineFactory = () => Promise<SltEngine>

export function classifyType(type: string): ColumnClass {
  const t = type.toUpperCase()
  if (/^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT\d|UINT\d+)$/.test(t)) return 'integer'
  if (t === 'DOUBLE' || t === 'FLOAT' || t === 'REAL') return 'float'
  if (t.startsWith('DECIMAL') || t.startsWith('NUMERIC')) return 'decimal'
  if (t === 'BOOLEAN' || t === 'BOOL') return 'boolean'
  return 'other'
}
