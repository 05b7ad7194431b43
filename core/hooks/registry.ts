/**
 * The registry of functions, types, casts, formats, index types and settings: the one door
 * through which built-ins and extensions alike add to the engine (DESIGN §6). One Hooks object
 * per database; names are case-insensitive.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { TypeId } from '../types/types.ts'
import type {
  AggregateFunctionDef, CastDef, FormatDef, IndexTypeDef, ModelFormatDef, ScalarFunctionDef, SettingDef,
  TableFunctionDef, TypeDef, WindowFunctionDef,
} from './contracts.ts'

/** The engine API version extensions declare a semver range against. */
export const ENGINE_API_VERSION = '1.0.0'

export type HookKind = 'scalar' | 'aggregate' | 'window' | 'table' | 'type' | 'cast' | 'format' | 'index' | 'setting' | 'model_format'

/** Who registered something, shown by grizzly_functions() and in error messages. */
export interface Origin { readonly extension: string | null }
const BUILTIN: Origin = { extension: null }

export class Hooks {
  /** several definitions may share a name (an extension adding overloads): all are candidates */
  private readonly scalars = new Map<string, ScalarFunctionDef[]>()
  private readonly aggregates = new Map<string, AggregateFunctionDef[]>()
  private readonly windows = new Map<string, WindowFunctionDef>()
  private readonly tableFunctions = new Map<string, TableFunctionDef>()
  private readonly types = new Map<string, TypeDef>()
  private readonly casts = new Map<string, CastDef>()
  private readonly formats = new Map<string, FormatDef>()
  private readonly indexTypes = new Map<string, IndexTypeDef>()
  private readonly settings = new Map<string, SettingDef>()
  private readonly modelFormats = new Map<string, ModelFormatDef>()
  private readonly origins = new Map<string, Origin>()
  /** origin of each definition under a shared name (scalars and aggregates may have several) */
  private readonly defOrigins = new WeakMap<object, Origin>()

  registerScalar(def: ScalarFunctionDef, origin: Origin = BUILTIN): void {
    for (const name of [def.name, ...(def.aliases ?? [])]) this.add(this.scalars, 'scalar', name, def, origin)
  }
  registerAggregate(def: AggregateFunctionDef, origin: Origin = BUILTIN): void {
    for (const name of [def.name, ...(def.aliases ?? [])]) this.add(this.aggregates, 'aggregate', name, def, origin)
  }
  registerWindow(def: WindowFunctionDef, origin: Origin = BUILTIN): void {
    this.put(this.windows, 'window', def.name, def, origin)
  }
  registerTableFunction(def: TableFunctionDef, origin: Origin = BUILTIN): void {
    for (const name of [def.name, ...(def.aliases ?? [])]) this.put(this.tableFunctions, 'table', name, def, origin)
  }
  registerType(def: TypeDef, origin: Origin = BUILTIN): void {
    for (const name of [def.name, ...(def.aliases ?? [])]) this.put(this.types, 'type', name.toUpperCase(), def, origin)
  }
  registerCast(def: CastDef, origin: Origin = BUILTIN): void {
    this.put(this.casts, 'cast', castKey(def.from, def.to), def, origin)
  }
  registerFormat(def: FormatDef, origin: Origin = BUILTIN): void {
    this.put(this.formats, 'format', def.name, def, origin)
  }
  registerIndexType(def: IndexTypeDef, origin: Origin = BUILTIN): void {
    this.put(this.indexTypes, 'index', def.name, def, origin)
  }
  registerSetting(def: SettingDef, origin: Origin = BUILTIN): void {
    this.put(this.settings, 'setting', def.name, def, origin)
  }
  /** a model file format CREATE MODEL recognises (contracts.ts, ModelFormatDef) */
  registerModelFormat(def: ModelFormatDef, origin: Origin = BUILTIN): void {
    this.put(this.modelFormats, 'model_format', def.name, def, origin)
  }

  /** Removes everything an extension registered (UNLOAD EXTENSION). */
  unregisterExtension(extension: string): void {
    // overloads an extension added to a shared name go; the engine's own stay
    for (const table of [this.scalars, this.aggregates] as Map<string, object[]>[]) {
      for (const [name, defs] of table) {
        const kept = defs.filter(d => this.defOrigins.get(d)?.extension !== extension)
        if (kept.length === 0) table.delete(name)
        else if (kept.length !== defs.length) table.set(name, kept)
      }
    }
    for (const [key, origin] of this.origins) {
      if (origin.extension !== extension) continue
      this.origins.delete(key)
      const [kind, name] = splitKey(key)
      if (kind === 'scalar' || kind === 'aggregate') {
        const remaining = (kind === 'scalar' ? this.scalars : this.aggregates).get(name)
        if (remaining !== undefined) this.origins.set(key, this.defOrigins.get(remaining[0]!) ?? BUILTIN)
        continue
      }
      this.tableOf(kind).delete(name)
    }
  }

  scalar(name: string): readonly ScalarFunctionDef[] | undefined { return this.scalars.get(name.toLowerCase()) }
  aggregate(name: string): readonly AggregateFunctionDef[] | undefined { return this.aggregates.get(name.toLowerCase()) }
  window(name: string): WindowFunctionDef | undefined { return this.windows.get(name.toLowerCase()) }
  tableFunction(name: string): TableFunctionDef | undefined { return this.tableFunctions.get(name.toLowerCase()) }
  type(name: string): TypeDef | undefined { return this.types.get(name.toUpperCase()) }
  cast(from: TypeId, to: TypeId): CastDef | undefined { return this.casts.get(castKey(from, to)) }
  format(name: string): FormatDef | undefined { return this.formats.get(name.toLowerCase()) }
  indexType(name: string): IndexTypeDef | undefined { return this.indexTypes.get(name.toLowerCase()) }
  indexTypeNames(): string[] { return [...this.indexTypes.keys()] }
  setting(name: string): SettingDef | undefined { return this.settings.get(name.toLowerCase()) }
  modelFormat(name: string): ModelFormatDef | undefined { return this.modelFormats.get(name.toLowerCase()) }
  allModelFormats(): ModelFormatDef[] { return [...this.modelFormats.values()] }

  scalarNames(): string[] { return [...this.scalars.keys()] }
  aggregateNames(): string[] { return [...this.aggregates.keys()] }
  windowNames(): string[] { return [...this.windows.keys()] }
  tableFunctionNames(): string[] { return [...this.tableFunctions.keys()] }
  typeNames(): string[] { return [...this.types.keys()] }
  allFormats(): FormatDef[] { return [...this.formats.values()] }
  allCasts(): CastDef[] { return [...this.casts.values()] }
  allSettings(): SettingDef[] { return [...this.settings.values()] }
  /** every function-like name, for completion and "did you mean" */
  allFunctionNames(): string[] {
    return [...new Set([...this.scalars.keys(), ...this.aggregates.keys(), ...this.windows.keys(), ...this.tableFunctions.keys()])]
  }
  originOf(kind: HookKind, name: string): Origin | undefined { return this.origins.get(`${kind}:${name.toLowerCase()}`) }

  private add<T extends object>(table: Map<string, T[]>, kind: HookKind, name: string, def: T, origin: Origin): void {
    const key = name.toLowerCase()
    this.defOrigins.set(def, origin)
    const list = table.get(key)
    if (list === undefined) table.set(key, [def])
    else list.push(def)
    if (!this.origins.has(`${kind}:${key}`)) this.origins.set(`${kind}:${key}`, origin)
  }

  private put<T>(table: Map<string, T>, kind: HookKind, name: string, def: T, origin: Origin): void {
    const key = kind === 'type' || kind === 'cast' ? name : name.toLowerCase()
    const existing = this.origins.get(`${kind}:${key}`)
    if (table.has(key) && existing !== undefined && existing.extension !== origin.extension) {
      throw new GrizzlyError(SqlState.duplicateObject,
        `${kind} "${name}" is already registered by ${existing.extension === null ? 'the engine' : `extension "${existing.extension}"`}`,
        { hint: 'pick another name, or unload the extension that registered it first' })
    }
    table.set(key, def)
    this.origins.set(`${kind}:${key}`, origin)
  }

  private tableOf(kind: HookKind): Map<string, unknown> {
    switch (kind) {
      case 'scalar': return this.scalars
      case 'aggregate': return this.aggregates
      case 'window': return this.windows
      case 'table': return this.tableFunctions
      case 'type': return this.types
      case 'cast': return this.casts
      case 'format': return this.formats
      case 'index': return this.indexTypes
      case 'setting': return this.settings
      case 'model_format': return this.modelFormats
    }
  }
}

function castKey(from: TypeId, to: TypeId): string { return `${from}->${to}` }
function splitKey(key: string): [HookKind, string] {
  const i = key.indexOf(':')
  return [key.slice(0, i) as HookKind, key.slice(i + 1)]
}
