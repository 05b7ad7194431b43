/**
 * The `hnsw` capability service: an approximate nearest-neighbour index method over
 * hnswlib-node, registered while an extension granted `hnsw` is loaded.
 *
 *   CREATE INDEX idx ON docs USING hnsw (embedding) WITH (metric = 'cosine', m = 16, ef_construction = 200)
 *   SET hnsw_ef_search = 100
 *
 * Keys are FLOAT[n] / DOUBLE[n] (n fixed); row ids are the graph's labels. A delete marks the
 * label deleted (hnswlib's markDelete) and re-adding the label (an UPDATE, a ROLLBACK) revives
 * it with the new vector; once more labels are deleted than live the graph is rebuilt from the
 * live vectors. NULL keys are not held: the engine's nearest scan reads the table when a query
 * needs them. The index is not serialized: the engine rebuilds it from the rows when a database
 * opens (and after a WAL replay), so a file never holds a graph that disagrees with its rows.
 */
import hnswlib from 'hnswlib-node'
import { GrizzlyError, SqlState, didYouMean } from '../../core/errors.ts'
import type {
  FunctionContext, IndexCapabilities, IndexInstance, IndexRange, IndexSpec, IndexTypeDef, NearestResult, SettingDef,
} from '../../core/hooks/contracts.ts'
import type { Hooks } from '../../core/hooks/registry.ts'
import { INTEGER, type Value } from '../../core/types/types.ts'
import type { Vector } from '../../core/vector/vector.ts'
import type { CapabilityService } from '../../sandbox/services.ts'

const { HierarchicalNSW } = hnswlib

export type HnswMetric = 'l2' | 'cosine' | 'ip'

/** the distance functions (plugins/vector) whose order each metric's distance follows */
const ORDERS: Readonly<Record<HnswMetric, { ascending: string[]; descending: string[] }>> = {
  l2: { ascending: ['array_distance', 'l2_distance'], descending: [] },
  cosine: { ascending: ['array_cosine_distance', 'cosine_distance'], descending: ['array_cosine_similarity'] },
  ip: { ascending: ['array_negative_inner_product', 'negative_inner_product'], descending: ['array_inner_product', 'inner_product'] },
}

const OPTIONS = ['metric', 'm', 'ef_construction'] as const
export const EF_SEARCH_SETTING = 'hnsw_ef_search'
export const DEFAULT_EF_SEARCH = 64
const INITIAL_CAPACITY = 1024
/** below this many deleted labels the graph is never rebuilt */
const MIN_REBUILD = 1024

function bad(message: string, hint: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameterValue, message, { hint })
}

function integerOption(options: ReadonlyMap<string, Value>, name: string, fallback: number, min: number, max: number): number {
  const v = options.get(name)
  if (v === undefined) return fallback
  const n = typeof v === 'bigint' ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw bad(`hnsw index option ${name} must be an integer from ${min} to ${max}, not ${String(v)}`, `the default is ${fallback}`)
  }
  return n
}

interface HnswOptions { readonly metric: HnswMetric; readonly dimensions: number; readonly m: number; readonly efConstruction: number }

/** the index's settings from CREATE INDEX; GrizzlyErrors for keys and options it cannot take */
export function hnswOptions(spec: IndexSpec): HnswOptions {
  if (spec.keyTypes.length !== 1) {
    throw new GrizzlyError(SqlState.featureNotSupported, `an hnsw index takes one column, not ${spec.keyTypes.length}`,
      { hint: 'create one hnsw index per embedding column' })
  }
  if (spec.unique) {
    throw new GrizzlyError(SqlState.featureNotSupported, 'an hnsw index cannot be UNIQUE', { hint: 'drop UNIQUE: nearest-neighbour indexes do not check keys' })
  }
  const type = spec.keyTypes[0]!
  if (type.id !== 'ARRAY' || (type.child.id !== 'REAL' && type.child.id !== 'DOUBLE')) {
    const what = type.id === 'LIST' ? 'a list of any length' : 'not a fixed-size array of numbers'
    throw new GrizzlyError(SqlState.featureNotSupported, `an hnsw index needs a FLOAT[n] column; "${spec.keyNames[0]}" is ${what}`,
      { hint: `declare the column with a fixed size, e.g. ${spec.keyNames[0]} FLOAT[384]` })
  }
  for (const name of spec.options.keys()) {
    if (!(OPTIONS as readonly string[]).includes(name)) {
      throw bad(`unknown option "${name}" for index method hnsw`, didYouMean(name, OPTIONS) ?? `options are: ${OPTIONS.join(', ')}`)
    }
  }
  const metricValue = spec.options.get('metric') ?? 'l2'
  const metric = typeof metricValue === 'string' ? metricValue.toLowerCase() : ''
  if (!(metric in ORDERS)) {
    throw bad(`hnsw index option metric must be 'l2', 'cosine' or 'ip', not ${String(metricValue)}`,
      "'l2' ranks by array_distance, 'cosine' by array_cosine_distance, 'ip' by array_negative_inner_product")
  }
  return {
    metric: metric as HnswMetric, dimensions: type.size,
    m: integerOption(spec.options, 'm', 16, 2, 100),
    efConstruction: integerOption(spec.options, 'ef_construction', 200, 1, 10_000),
  }
}

class HnswIndex implements IndexInstance {
  readonly capabilities: IndexCapabilities
  private graph: InstanceType<typeof HierarchicalNSW>
  /** labels held and not deleted */
  private readonly live = new Set<number>()
  /** the graph's search width (hnswlib's ef), set only when it changes */
  private ef = 0

  constructor(private readonly options: HnswOptions) {
    this.capabilities = { equality: false, range: false, nearest: ORDERS[options.metric] }
    this.graph = this.newGraph(INITIAL_CAPACITY)
  }

  get size(): number { return this.live.size }

  insert(keys: readonly Vector[], rowIds: Float64Array): number {
    const key = keys[0]!
    const n = this.options.dimensions
    const values = key.children[0]!
    const data = values.data as Float32Array | Float64Array
    this.reserve(rowIds.length)
    for (let i = 0; i < rowIds.length; i++) {
      if (!key.isValid(i) || !allValid(values, i * n, n)) continue
      const label = rowIds[i]!
      const point = Array.from(data.subarray(i * n, (i + 1) * n))
      this.graph.addPoint(point, label)
      this.live.add(label)
    }
    return -1
  }

  build(keys: readonly Vector[], rowIds: Float64Array): number {
    this.graph = this.newGraph(Math.max(INITIAL_CAPACITY, rowIds.length))
    this.live.clear()
    return this.insert(keys, rowIds)
  }

  remove(_keys: readonly Vector[], rowIds: Float64Array): void {
    for (const label of rowIds) {
      if (!this.live.delete(label)) continue
      this.graph.markDelete(label)
    }
    const deleted = this.graph.getCurrentCount() - this.live.size
    if (deleted > Math.max(MIN_REBUILD, this.live.size)) this.compact()
  }

  search(_range: IndexRange): Float64Array {
    throw new GrizzlyError(SqlState.featureNotSupported, 'an hnsw index answers nearest-neighbour searches only',
      { hint: 'use ORDER BY array_distance(column, query) LIMIT k' })
  }

  count(): number { return Number.POSITIVE_INFINITY }

  nearest(query: Value, k: number, ctx: FunctionContext): NearestResult | null {
    const point = queryPoint(query, this.options.dimensions)
    if (point === null) return null
    const want = Math.min(k, this.live.size)
    if (want <= 0) return { rowIds: new Float64Array(0), distances: new Float64Array(0) }
    const setting = ctx.setting(EF_SEARCH_SETTING)
    const ef = typeof setting === 'number' || typeof setting === 'bigint' ? Number(setting) : DEFAULT_EF_SEARCH
    const width = Math.max(ef, want)
    if (width !== this.ef) { this.graph.setEf(width); this.ef = width }
    const { neighbors, distances } = this.graph.searchKnn(point, want)
    return { rowIds: Float64Array.from(neighbors), distances: Float64Array.from(distances) }
  }

  private newGraph(capacity: number): InstanceType<typeof HierarchicalNSW> {
    this.ef = 0
    const graph = new HierarchicalNSW(this.options.metric, this.options.dimensions)
    graph.initIndex(capacity, this.options.m, this.options.efConstruction, 100)
    return graph
  }

  /** room for `more` new labels: capacity doubles */
  private reserve(more: number): void {
    const need = this.graph.getCurrentCount() + more
    const capacity = this.graph.getMaxElements()
    if (need > capacity) this.graph.resizeIndex(Math.max(need, capacity * 2))
  }

  /** a fresh graph of the live labels: deleted ones no longer cost search time or memory */
  private compact(): void {
    const old = this.graph
    this.graph = this.newGraph(Math.max(INITIAL_CAPACITY, this.live.size))
    for (const label of this.live) this.graph.addPoint(old.getPoint(label), label)
  }
}

function allValid(values: Vector, start: number, n: number): boolean {
  if (values.validity === null) return true
  for (let k = start; k < start + n; k++) if (values.validity[k] === 0) return false
  return true
}

/** the query as hnswlib takes it (the value itself: hnswlib copies it), or null when it is not n numbers */
function queryPoint(query: Value, n: number): number[] | null {
  if (!Array.isArray(query) || query.length !== n) return null
  for (let i = 0; i < n; i++) {
    const v = query[i]
    if (typeof v !== 'number' || !Number.isFinite(v)) return null
  }
  return query as number[]
}

export const hnswIndexType: IndexTypeDef = {
  name: 'hnsw',
  description: "approximate nearest-neighbour index (HNSW graph) over a FLOAT[n] column: WITH (metric = 'l2' | 'cosine' | 'ip', m, ef_construction)",
  create(spec: IndexSpec): IndexInstance { return new HnswIndex(hnswOptions(spec)) },
}

export const efSearchSetting: SettingDef = {
  name: EF_SEARCH_SETTING, type: INTEGER, default: DEFAULT_EF_SEARCH,
  description: 'how many candidates an hnsw index search keeps (at least LIMIT); higher finds more true neighbours, slower',
  validate(v: Value): Value {
    const n = typeof v === 'bigint' ? Number(v) : v
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 100_000) {
      throw bad(`invalid value for setting "${EF_SEARCH_SETTING}": ${String(v)}`, `use an integer from 1 to 100000 (default ${DEFAULT_EF_SEARCH})`)
    }
    return n
  },
}

/** Adds the hnsw index method and its setting for `extension`; the names it added. */
export function registerHnsw(hooks: Hooks, extension: string): string[] {
  const origin = { extension }
  hooks.registerIndexType(hnswIndexType, origin)
  hooks.registerSetting(efSearchSetting, origin)
  return ['index hnsw', `setting ${EF_SEARCH_SETTING}`]
}

export const hnswService: CapabilityService = { name: 'hnsw', register: registerHnsw }
