/**
 * The records of a sqllogictest file, as read by parser.ts. Each carries the 1-based line it
 * starts on so a failure can point at it.
 */

export type SortMode = 'nosort' | 'rowsort' | 'valuesort'

/** skipif / onlyif lines stacked in front of a record. */
export interface Condition {
  readonly kind: 'skipif' | 'onlyif'
  /** an engine name (`postgresql`) or a loop-variable condition (`i=2 && type<>varchar`) */
  readonly argument: string
}

export type ExpectedResult =
  | { readonly kind: 'values'; readonly lines: readonly string[] }
  | { readonly kind: 'hash'; readonly count: number; readonly hash: string }

export type Record =
  | {
    readonly kind: 'statement'; readonly line: number; readonly conditions: readonly Condition[]
    readonly expect: 'ok' | 'error' | 'maybe'; readonly connection: string | undefined
    readonly sql: string; readonly errorMessage: string | undefined
  }
  | {
    readonly kind: 'query'; readonly line: number; readonly conditions: readonly Condition[]
    readonly types: string; readonly sortMode: SortMode; readonly label: string | undefined
    readonly connection: string | undefined; readonly sql: string
    readonly expected: ExpectedResult
  }
  | { readonly kind: 'hash-threshold'; readonly line: number; readonly threshold: number }
  | { readonly kind: 'halt'; readonly line: number; readonly conditions: readonly Condition[] }
  | {
    readonly kind: 'loop'; readonly line: number
    /** names bound together (`foreach a,b 1,x 2,y` binds a and b) */
    readonly names: readonly string[]
    /** one entry per iteration, one value per name */
    readonly iterations: readonly (readonly string[])[]
    readonly body: readonly Record[]
  }
  | { readonly kind: 'continue'; readonly line: number; readonly conditions: readonly Condition[] }
  | { readonly kind: 'require'; readonly line: number; readonly feature: string; readonly argument: string | undefined }
  | { readonly kind: 'set-seed'; readonly line: number; readonly seed: string }
  | { readonly kind: 'ignore-errors'; readonly line: number; readonly messages: readonly string[] }
  | { readonly kind: 'reset-label'; readonly line: number; readonly label: string }
  /** harness commands that do nothing for another engine (mode output_hash, sleep, tags, …) */
  | { readonly kind: 'noop'; readonly line: number; readonly command: string }
  /** a command this runner cannot honour (load, restart, …): the file is skipped */
  | { readonly kind: 'unsupported'; readonly line: number; readonly command: string }

export type RecordKind = Record['kind']
