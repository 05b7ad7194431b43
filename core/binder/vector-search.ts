/**
 * `vector_search(table, column, query, k [, metric := 'l2' | 'cosine' | 'ip'])`: the k rows of
 * `table` nearest to `query`, with their `distance`, nearest first. It is the query
 *   SELECT *, fn(column, query) AS distance FROM table ORDER BY fn(column, query) LIMIT k
 * (fn = array_distance, array_cosine_distance or array_negative_inner_product), bound like a
 * subquery: a brute-force scan, which the nearest-neighbour rule serves from an index when the
 * column has one. A registered table function of the same name takes precedence.
 */
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import type { Hooks } from '../hooks/registry.ts'
import type { Expr, FunctionRef, Query, SubqueryRef } from '../parser/ast.ts'
import { parse } from '../parser/index.ts'

const NAME = 'vector_search'
const METRICS: Readonly<Record<string, string>> = { l2: 'array_distance', cosine: 'array_cosine_distance', ip: 'array_negative_inner_product' }
const USAGE = "vector_search('table', 'column', query, k [, metric := 'l2' | 'cosine' | 'ip'])"

export function isVectorSearch(hooks: Hooks, ref: FunctionRef): boolean {
  return ref.name.length === 1 && ref.name[0]!.toLowerCase() === NAME && hooks.tableFunction(NAME) === undefined
}

function text(e: Expr | undefined, what: string, position: number): string {
  if (e?.kind !== 'string') {
    throw new GrizzlyError(SqlState.invalidParameterValue, `vector_search takes the ${what} as a string constant`, { position: e?.pos ?? position, hint: USAGE })
  }
  return e.value
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`

/** A copy of a parsed template with every position moved to `pos` and the NULL placeholder replaced. */
function place<T>(node: T, pos: number, placeholder: Expr): T {
  if (Array.isArray(node)) return node.map(n => place(n, pos, placeholder)) as T
  if (node === null || typeof node !== 'object') return node
  if ((node as { kind?: string }).kind === 'null') return placeholder as T
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(node)) out[k] = k === 'pos' ? pos : place(v, pos, placeholder)
  return out as T
}

/** The subquery a vector_search call stands for. */
export function vectorSearchQuery(hooks: Hooks, ref: FunctionRef): SubqueryRef {
  const positional = ref.args.filter(a => a.kind !== 'named_arg')
  if (positional.length !== 4) {
    throw new GrizzlyError(SqlState.undefinedFunction, `vector_search takes 4 arguments, not ${positional.length}`, { position: ref.pos, hint: USAGE })
  }
  let metric = 'l2'
  for (const a of ref.args) {
    if (a.kind !== 'named_arg') continue
    if (a.name.toLowerCase() !== 'metric') {
      throw new GrizzlyError(SqlState.invalidParameterValue, `vector_search has no option "${a.name}"`, { position: a.pos, hint: USAGE })
    }
    metric = text(a.value, 'metric', a.pos).toLowerCase()
  }
  const fn = METRICS[metric]
  if (fn === undefined) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `unknown vector_search metric "${metric}"`,
      { position: ref.pos, hint: didYouMean(metric, Object.keys(METRICS)) ?? "use 'l2', 'cosine' or 'ip'" })
  }
  if ((hooks.scalar(fn)?.length ?? 0) === 0) {
    throw new GrizzlyError(SqlState.undefinedFunction, `vector_search needs the function ${fn}, which does not exist`,
      { position: ref.pos, hint: 'LOAD EXTENSION vector (it adds the distance functions)' })
  }
  const table = text(positional[0], 'table name', ref.pos).split('.').map(quote).join('.')
  const column = quote(text(positional[1], 'column name', ref.pos))
  const statement = parse(`SELECT *, ${fn}(${column}, NULL) AS distance FROM ${table} ORDER BY ${fn}(${column}, NULL) LIMIT 1`)[0]
  if (statement?.kind !== 'query_statement') throw new GrizzlyError(SqlState.invalidParameterValue, 'vector_search: bad table or column name', { position: ref.pos, hint: USAGE })
  const query: Query = { ...place(statement.query, ref.pos, positional[2]!), limit: positional[3]! }
  return { kind: 'subquery_ref', pos: ref.pos, query, alias: ref.alias ?? { pos: ref.pos, name: NAME, columns: null }, lateral: false }
}
