/**
 * MemoryCatalog: schemas of tables and views kept in maps keyed by lower-cased name (names are
 * stored as given). 'main' is the default schema; 'temp' holds temporary tables and is searched
 * first for unqualified names, as in PostgreSQL. Every change registers an undo action with the
 * transaction, so ROLLBACK restores the catalog exactly.
 *
 * View dependencies: when a view is created, the tables and views its query names are resolved
 * and recorded; DROP (and ALTERs that would break the view) of a referenced object is refused
 * with 2BP01 unless CASCADE, which drops the dependent views too.
 */
import type {
  AlterTableChange, Catalog, CatalogEntry, ColumnSchema, ForeignKeyConstraint, TableDefinition, TableEntry,
  TableProvider, Transaction, ViewEntry, CreateIndexRequest, IndexDefinition,
} from './catalog.ts'
import { GrizzlyError, InternalError, SqlState, assertNever, didYouMean } from '../errors.ts'
import { MemoryTable } from './memory-table.ts'
import { ExternalTableProvider, readOnlyTableError } from './external.ts'
import { addColumn, alterColumnType, dropColumn, replaceColumn } from './table-alter.ts'
import { referencedTables } from './view-dependencies.ts'
import { UncommittedEntries } from './uncommitted-entries.ts'
import { beginWrite } from './transaction.ts'
import { ModelStore } from './models.ts'
import { alterIndexedTable, createIndex, dropIndex, indexDefinitions } from '../indexes/catalog-indexes.ts'
import { INVALID_FOREIGN_KEY, ResolvedForeignKey } from './foreign-keys.ts'
import { isInteger, typeEquals, typeToString } from '../types/types.ts'
import { type Sequence, sequenceNamesIn } from './sequences.ts'
import { NamedObjectSet, type UserType } from './named-objects.ts'

export const MAIN_SCHEMA = 'main'
export const TEMP_SCHEMA = 'temp'

/** PostgreSQL's invalid_object_definition, for a view that would read itself */
const INVALID_OBJECT_DEFINITION = '42P17'

interface SchemaData {
  readonly name: string
  readonly entries: Map<string, CatalogEntry>
}

const lower = (s: string): string => s.toLowerCase()
const entryKey = (schema: string, name: string): string => `${lower(schema)}.${lower(name)}`
const kindName = (kind: CatalogEntry['kind']): string => kind === 'table' ? 'Table' : 'View'

export class MemoryCatalog implements Catalog {
  readonly defaultSchema = MAIN_SCHEMA
  readonly models = new ModelStore()
  /** refuse DROP / ALTER of objects that views depend on (DuckDB's enable_view_dependencies) */
  viewDependencies = true
  private readonly schemas = new Map<string, SchemaData>()
  /** view key → keys of the entries it reads */
  private readonly dependencies = new Map<string, ReadonlySet<string>>()
  private readonly uncommitted = new UncommittedEntries()
  private readonly sequenceSet = new NamedObjectSet<Sequence>('Sequence')
  private readonly typeSet = new NamedObjectSet<UserType>('Type')

  constructor() {
    this.schemas.set(MAIN_SCHEMA, { name: MAIN_SCHEMA, entries: new Map() })
    this.schemas.set(TEMP_SCHEMA, { name: TEMP_SCHEMA, entries: new Map() })
  }

  // ---- reading --------------------------------------------------------------------------------

  lookup(txn: Transaction, schema: string | null, name: string): CatalogEntry | undefined {
    const hidden = this.uncommitted.hiddenFrom(txn)
    const find = (schemaName: string): CatalogEntry | undefined => {
      const key = entryKey(schemaName, name)
      if (hidden !== null && hidden.has(key)) return hidden.get(key) ?? undefined
      return this.schemas.get(lower(schemaName))?.entries.get(lower(name))
    }
    if (schema !== null) return find(schema)
    return find(TEMP_SCHEMA) ?? find(this.defaultSchema)
  }

  require(txn: Transaction, schema: string | null, name: string, position?: number): CatalogEntry {
    if (schema !== null) this.requireSchema(schema, position)
    const found = this.lookup(txn, schema, name)
    if (found !== undefined) return found
    const all = this.entries(txn)
    // the same name in another schema is the likeliest intent
    const elsewhere = all.find(e => lower(e.name) === lower(name))
    const hint = elsewhere !== undefined ? `did you mean "${elsewhere.schema}.${elsewhere.name}"?` : didYouMean(name, all.map(e => e.name))
    throw new GrizzlyError(SqlState.undefinedTable, `Table with name ${name} does not exist!`, { position, hint })
  }

  hasSchema(name: string): boolean { return this.schemas.has(lower(name)) }

  schemaNames(): string[] { return [...this.schemas.values()].map(s => s.name) }

  entries(txn: Transaction): CatalogEntry[] {
    const byKey = new Map<string, CatalogEntry>()
    for (const e of this.schemas.get(TEMP_SCHEMA)!.entries.values()) byKey.set(entryKey(e.schema, e.name), e)
    for (const s of this.schemas.values()) {
      if (s.name !== TEMP_SCHEMA) for (const e of s.entries.values()) byKey.set(entryKey(e.schema, e.name), e)
    }
    const hidden = this.uncommitted.hiddenFrom(txn)
    if (hidden !== null) {
      for (const [key, entry] of hidden) {
        if (entry === null) byKey.delete(key)
        else byKey.set(key, entry)
      }
    }
    return [...byKey.values()]
  }

  /** views that read `entry` (directly) */
  dependentsOf(entry: CatalogEntry): ViewEntry[] {
    const key = entryKey(entry.schema, entry.name)
    const out: ViewEntry[] = []
    for (const [viewKey, deps] of this.dependencies) {
      if (!deps.has(key)) continue
      const view = this.byKey(viewKey)
      if (view !== undefined && view.kind === 'view') out.push(view)
    }
    return out
  }

  /** the resolved names (schema.name, lower case) a view reads */
  viewDependenciesOf(view: ViewEntry): string[] {
    return [...(this.dependencies.get(entryKey(view.schema, view.name)) ?? [])]
  }

  // ---- schemas --------------------------------------------------------------------------------

  createSchema(txn: Transaction, name: string, ifNotExists: boolean): void {
    if (this.hasSchema(name)) {
      if (ifNotExists) return
      throw new GrizzlyError(SqlState.duplicateSchema, `Schema with name "${name}" already exists!`)
    }
    beginWrite(txn, 'CREATE SCHEMA')
    const key = lower(name)
    this.schemas.set(key, { name, entries: new Map() })
    txn.onRollback(() => { this.schemas.delete(key) })
  }

  dropSchema(txn: Transaction, name: string, ifExists: boolean, cascade: boolean): void {
    const schema = this.schemas.get(lower(name))
    if (schema === undefined) {
      if (ifExists) return
      throw this.unknownSchema(name)
    }
    if (schema.name === MAIN_SCHEMA || schema.name === TEMP_SCHEMA) {
      throw new GrizzlyError(SqlState.dependentObjects, `Cannot drop schema "${schema.name}" because it is required by the database system`)
    }
    const inSchema = (o: { readonly schema: string }): boolean => lower(o.schema) === lower(schema.name)
    const others = [...this.sequenceSet.all(txn).filter(inSchema).map(s => `sequence "${s.name}"`), ...this.typeSet.all(txn).filter(inSchema).map(t => `type "${t.name}"`)]
    if ((schema.entries.size > 0 || others.length > 0) && !cascade) {
      const names = [...[...schema.entries.values()].map(e => `${e.kind} "${e.name}"`), ...others].join(', ')
      throw new GrizzlyError(SqlState.dependentObjects, `Cannot drop schema "${schema.name}" because there are entries that depend on it: ${names}`, {
        hint: 'use DROP SCHEMA … CASCADE to drop them too',
      })
    }
    beginWrite(txn, 'DROP SCHEMA')
    // everything in the schema goes, so references among its own tables do not block
    const dropping = new Set<CatalogEntry>(schema.entries.values())
    for (const entry of [...schema.entries.values()]) {
      if (this.byKey(entryKey(entry.schema, entry.name)) === entry) this.dropEntry(txn, entry, true, dropping)
    }
    this.sequenceSet.dropSchema(txn, schema.name)
    this.typeSet.dropSchema(txn, schema.name)
    const key = lower(name)
    this.schemas.delete(key)
    txn.onRollback(() => { this.schemas.set(key, schema) })
  }

  // ---- tables and views -------------------------------------------------------------------------

  createTable(txn: Transaction, def: TableDefinition, options: { readonly ifNotExists: boolean; readonly orReplace: boolean }): TableEntry | undefined {
    const schema = this.requireSchema(def.temporary ? TEMP_SCHEMA : def.schema)
    const existing = schema.entries.get(lower(def.name))
    if (existing !== undefined) {
      if (options.ifNotExists) return undefined
      if (!options.orReplace) throw this.alreadyExists(existing)
      if (existing.kind !== 'table') throw this.wrongKindToReplace(existing, 'table')
    }
    checkColumnNames(def.columns)
    beginWrite(txn, 'CREATE TABLE')
    const table = new MemoryTable({ name: def.name, columns: def.columns, constraints: def.constraints })
    table.foreignKeys = (def.constraints.foreignKeys ?? []).map(fk => this.resolveForeignKey(txn, schema.name, table, fk))
    if (existing !== undefined) {
      this.detachTable(txn, existing, new Set([existing]))
      this.removeEntry(txn, schema, existing)
    }
    for (const fk of table.foreignKeys) {
      const parent = fk.parent
      if (parent.referencedBy.has(table)) continue
      parent.referencedBy.add(table)
      txn.onRollback(() => { parent.referencedBy.delete(table) })
    }
    const entry = tableEntry(schema.name, def.name, table, def.temporary)
    this.putEntry(txn, schema, entry)
    return entry
  }

  createView(txn: Transaction, view: Omit<ViewEntry, 'kind'>, options: { readonly ifNotExists: boolean; readonly orReplace: boolean }): void {
    const schema = this.requireSchema(view.schema)
    const existing = schema.entries.get(lower(view.name))
    if (existing !== undefined) {
      if (options.ifNotExists) return
      if (!options.orReplace) throw this.alreadyExists(existing)
      if (existing.kind !== 'view') throw this.wrongKindToReplace(existing, 'view')
    }
    const key = entryKey(schema.name, view.name)
    const deps = new Set<string>()
    for (const name of referencedTables(view.query)) {
      const target = this.resolve(txn, name)
      if (target !== undefined) deps.add(entryKey(target.schema, target.name))
    }
    if (deps.has(key) || [...deps].some(d => this.dependsTransitively(d, key, new Set()))) {
      throw new GrizzlyError(INVALID_OBJECT_DEFINITION, `CREATE OR REPLACE is not allowed to depend on itself: view "${view.name}" would read itself`)
    }
    beginWrite(txn, 'CREATE VIEW')
    if (existing !== undefined) this.removeEntry(txn, schema, existing)
    const entry: ViewEntry = { kind: 'view', schema: schema.name, name: view.name, sql: view.sql, query: view.query, columnNames: view.columnNames }
    this.putEntry(txn, schema, entry, deps)
  }

  drop(txn: Transaction, kind: 'table' | 'view', schema: string | null, name: string, options: { readonly ifExists: boolean; readonly cascade: boolean }): void {
    if (schema !== null && !this.hasSchema(schema)) {
      if (options.ifExists) return
      throw this.unknownSchema(schema)
    }
    const entry = this.lookup(txn, schema, name)
    if (entry === undefined) {
      if (options.ifExists) return
      const candidates = this.entries(txn).filter(e => e.kind === kind).map(e => e.name)
      throw new GrizzlyError(SqlState.undefinedTable, `${kindName(kind)} with name ${name} does not exist!`, { hint: didYouMean(name, candidates) })
    }
    if (entry.kind !== kind) {
      throw new GrizzlyError(SqlState.wrongObjectType, `Existing object ${entry.name} is of type ${kindName(entry.kind)}, trying to drop type ${kindName(kind)}`, {
        hint: `use DROP ${entry.kind.toUpperCase()} ${entry.name}`,
      })
    }
    beginWrite(txn, `DROP ${kind.toUpperCase()}`)
    this.dropEntry(txn, entry, options.cascade, new Set())
  }

  alterTable(txn: Transaction, table: TableEntry, change: AlterTableChange): void {
    const schema = this.requireSchema(table.schema)
    const current = schema.entries.get(lower(table.name))
    if (current === undefined || current.kind !== 'table') {
      throw new GrizzlyError(SqlState.undefinedTable, `Table with name ${table.name} does not exist!`)
    }
    const provider = current.provider
    if (!(provider instanceof MemoryTable)) {
      throw provider instanceof ExternalTableProvider ? readOnlyTableError(current.name, 'ALTER TABLE')
        : new GrizzlyError(SqlState.featureNotSupported, `ALTER TABLE is not supported on table "${current.name}"`)
    }
    if (this.viewDependencies && breaksViews(change) && this.dependentsOf(current).length > 0) {
      throw new GrizzlyError(SqlState.dependentObjects, `Cannot alter entry "${current.name}" because there are entries that depend on it.`, {
        hint: `drop the dependent views first: ${this.dependentsOf(current).map(v => v.name).join(', ')}`,
      })
    }
    checkForeignKeyAlter(provider, change)
    beginWrite(txn, 'ALTER TABLE')
    alterIndexedTable(txn, provider, change)
    const columnAt = (i: number): ColumnSchema => {
      const c = provider.columns[i]
      if (c === undefined) throw new InternalError(`ALTER TABLE ${current.name}: no column ${i}`)
      return c
    }
    switch (change.kind) {
      case 'add_column':
        checkColumnNames([...provider.columns, change.column])
        addColumn(txn, provider, change.column, change.fill)
        break
      case 'drop_column': dropColumn(txn, provider, change.column); break
      case 'rename_column':
        checkColumnNames(provider.columns.map((c, i) => i === change.column ? { ...c, name: change.to } : c))
        replaceColumn(txn, provider, change.column, { ...columnAt(change.column), name: change.to })
        break
      case 'rename_table': {
        const clash = schema.entries.get(lower(change.to))
        if (clash !== undefined && clash !== current) throw this.alreadyExists(clash)
        const oldName = provider.name
        provider.name = change.to
        txn.onRollback(() => { provider.name = oldName })
        this.removeEntry(txn, schema, current, false)
        this.putEntry(txn, schema, tableEntry(schema.name, change.to, provider, current.temporary), undefined, false)
        return
      }
      case 'alter_column_type': alterColumnType(txn, provider, change.column, change.type, change.convert); break
      case 'set_default':
        replaceColumn(txn, provider, change.column, { ...columnAt(change.column), default: change.default, defaultSql: change.defaultSql })
        break
      case 'set_not_null': {
        const col = columnAt(change.column)
        if (!change.notNull && provider.constraints.primaryKey?.includes(change.column) === true) {
          throw new GrizzlyError(SqlState.invalidColumnReference, `column "${col.name}" is in a primary key and cannot be nullable`)
        }
        replaceColumn(txn, provider, change.column, { ...col, notNull: change.notNull })
        break
      }
      default: assertNever(change, 'ALTER TABLE change')
    }
    this.putEntry(txn, schema, tableEntry(schema.name, current.name, provider, current.temporary), undefined, false)
  }

  createIndex(txn: Transaction, request: CreateIndexRequest): void { createIndex(this, txn, request) }
  dropIndex(txn: Transaction, schema: string | null, name: string, ifExists: boolean): void { dropIndex(this, txn, schema, name, ifExists) }
  indexDefinitions(txn: Transaction): IndexDefinition[] { return indexDefinitions(this, txn) }

  createSequence(txn: Transaction, sequence: Sequence, options: { readonly ifNotExists: boolean; readonly orReplace: boolean }): void {
    this.requireSchema(sequence.schema)
    this.sequenceSet.create(txn, sequence, options)
  }

  dropSequence(txn: Transaction, schema: string | null, name: string, options: { readonly ifExists: boolean; readonly cascade: boolean }): void {
    if (schema !== null && !this.hasSchema(schema)) {
      if (options.ifExists) return
      throw this.unknownSchema(schema)
    }
    const found = this.lookupSequence(txn, schema, name)
    const users = (s: Sequence): TableEntry[] => this.entries(txn).filter((e): e is TableEntry => e.kind === 'table' &&
      e.columns.some(c => c.default !== null && sequenceNamesIn(c.default).some(r => this.lookupSequence(txn, r.schema, r.name) === s)))
    // CASCADE drops the tables whose DEFAULTs use it, as DuckDB
    if (found !== undefined && options.cascade) for (const t of users(found)) this.drop(txn, 'table', t.schema, t.name, options)
    this.sequenceSet.drop(txn, found?.schema ?? schema ?? this.defaultSchema, name, options.ifExists,
      s => users(s).map(t => `table "${t.name}" depends on sequence "${s.name}".`))
  }

  lookupSequence(txn: Transaction, schema: string | null, name: string): Sequence | undefined {
    if (schema !== null) return this.sequenceSet.lookup(txn, schema, name)
    return this.sequenceSet.lookup(txn, TEMP_SCHEMA, name) ?? this.sequenceSet.lookup(txn, this.defaultSchema, name)
  }

  sequences(txn: Transaction): Sequence[] { return this.sequenceSet.all(txn) }

  createType(txn: Transaction, type: UserType, options: { readonly ifNotExists: boolean; readonly orReplace: boolean }): void {
    this.requireSchema(type.schema)
    this.typeSet.create(txn, type, options)
  }

  dropType(txn: Transaction, schema: string | null, name: string, ifExists: boolean): void {
    if (schema !== null && !this.hasSchema(schema)) {
      if (ifExists) return
      throw this.unknownSchema(schema)
    }
    // columns hold the resolved type, so nothing depends on the alias once a table is created (as DuckDB)
    const found = this.lookupType(txn, schema, name, null)
    this.typeSet.drop(txn, found?.schema ?? schema ?? this.defaultSchema, name, ifExists, () => [])
  }

  lookupType(txn: Transaction, schema: string | null, name: string, near: string | null): UserType | undefined {
    if (schema !== null) return this.typeSet.lookup(txn, schema, name)
    return (near === null ? undefined : this.typeSet.lookup(txn, near, name)) ?? this.typeSet.lookup(txn, TEMP_SCHEMA, name) ?? this.typeSet.lookup(txn, this.defaultSchema, name)
  }

  types(txn: Transaction): UserType[] { return this.typeSet.all(txn) }

  registerExternal(txn: Transaction, name: string, columns: readonly ColumnSchema[], provider: TableProvider, replace: boolean): TableEntry {
    const schema = this.requireSchema(this.defaultSchema)
    const existing = schema.entries.get(lower(name))
    if (existing !== undefined && !replace) throw this.alreadyExists(existing)
    checkColumnNames(columns)
    beginWrite(txn, 'register')
    if (existing !== undefined) {
      this.detachTable(txn, existing, new Set([existing]))
      this.removeEntry(txn, schema, existing)
    }
    const wrapped = provider instanceof ExternalTableProvider ? provider : new ExternalTableProvider(name, provider)
    const entry: TableEntry = {
      kind: 'table', schema: schema.name, name, columns,
      constraints: { primaryKey: null, unique: [], checks: [] }, provider: wrapped, temporary: false,
    }
    this.putEntry(txn, schema, entry)
    return entry
  }

  // ---- internals --------------------------------------------------------------------------------

  private dropEntry(txn: Transaction, entry: CatalogEntry, cascade: boolean, dropping: Set<CatalogEntry>): void {
    dropping.add(entry)
    this.detachTable(txn, entry, dropping)
    if (this.viewDependencies) {
      const dependents = this.dependentsOf(entry).filter(v => !dropping.has(v))
      if (dependents.length > 0 && !cascade) {
        const lines = dependents.map(v => `view "${v.name}" depends on ${entry.kind} "${entry.name}".`).join('\n')
        throw new GrizzlyError(SqlState.dependentObjects, `Cannot drop entry "${entry.name}" because there are entries that depend on it.\n${lines}`, {
          hint: `use DROP ${entry.kind.toUpperCase()} … CASCADE to drop the dependent views too`,
        })
      }
      for (const v of dependents) if (!dropping.has(v)) this.dropEntry(txn, v, true, dropping)
    }
    const schema = this.requireSchema(entry.schema)
    this.removeEntry(txn, schema, entry)
  }

  /**
   * Unhooks a table that is about to leave the catalog from the foreign keys it takes part in:
   * refused while another table (not also leaving) references it, as DuckDB.
   */
  private detachTable(txn: Transaction, entry: CatalogEntry, leaving: ReadonlySet<CatalogEntry>): void {
    if (entry.kind !== 'table' || !(entry.provider instanceof MemoryTable)) return
    const table = entry.provider
    const leavingTables = new Set([...leaving].flatMap(e => e.kind === 'table' ? [e.provider] : []))
    for (const child of table.referencedBy) {
      if (child === table || leavingTables.has(child)) continue
      throw new GrizzlyError(SqlState.dependentObjects, `Could not drop the table because this table is main key table of the table "${child.name}"`, {
        hint: `drop "${child.name}" (or its foreign key) first`,
      })
    }
    for (const fk of table.foreignKeys) {
      const parent = fk.parent
      if (!parent.referencedBy.delete(table)) continue
      txn.onRollback(() => { parent.referencedBy.add(table) })
    }
  }

  private resolveForeignKey(txn: Transaction, schema: string, child: MemoryTable, fk: ForeignKeyConstraint): ResolvedForeignKey {
    const self = lower(fk.refTable) === lower(child.name) && (fk.refSchema === null || lower(fk.refSchema) === lower(schema))
    let parent: MemoryTable
    if (self) parent = child
    else {
      const entry = this.require(txn, fk.refSchema, fk.refTable)
      if (entry.kind !== 'table') throw new GrizzlyError(SqlState.wrongObjectType, `referenced object "${entry.name}" is a view, not a table`)
      if (!(entry.provider instanceof MemoryTable)) throw new GrizzlyError(SqlState.featureNotSupported, `foreign keys referencing registered table "${entry.name}" are not supported`)
      parent = entry.provider
    }
    let refColumns: number[]
    if (fk.refColumns.length === 0) {
      const pk = parent.constraints.primaryKey
      if (pk === null) throw new GrizzlyError(INVALID_FOREIGN_KEY, `there is no primary key for referenced table "${parent.name}"`, { hint: 'name the referenced columns: REFERENCES t (column)' })
      refColumns = [...pk]
    } else {
      refColumns = fk.refColumns.map(n => {
        const i = parent.columns.findIndex(c => lower(c.name) === lower(n))
        if (i < 0) {
          throw new GrizzlyError(SqlState.undefinedColumn, `column "${n}" referenced in foreign key constraint does not exist in "${parent.name}"`, {
            hint: didYouMean(n, parent.columns.map(c => c.name)),
          })
        }
        return i
      })
    }
    if (refColumns.length !== fk.columns.length) {
      throw new GrizzlyError(INVALID_FOREIGN_KEY, `number of referencing and referenced columns for foreign key disagree (${fk.columns.length} and ${refColumns.length})`)
    }
    if (!parent.indexes.some(ix => ix.columns.length === refColumns.length && ix.columns.every(c => refColumns.includes(c)))) {
      throw new GrizzlyError(INVALID_FOREIGN_KEY,
        `Failed to create foreign key: referenced table "${parent.name}" does not have a primary key or unique constraint on the columns ${refColumns.map(c => parent.columns[c]!.name).join(', ')}`)
    }
    fk.columns.forEach((c, k) => {
      const mine = child.columns[c], theirs = parent.columns[refColumns[k]!]!
      if (mine === undefined) throw new InternalError(`foreign key column ${c} is not in table ${child.name}`)
      if (!typeEquals(mine.type, theirs.type) && !(isInteger(mine.type) && isInteger(theirs.type))) {
        throw new GrizzlyError(SqlState.datatypeMismatch,
          `foreign key column "${mine.name}" is ${typeToString(mine.type)} but the referenced column "${theirs.name}" is ${typeToString(theirs.type)}`)
      }
    })
    return new ResolvedForeignKey(fk, [...fk.columns], parent, refColumns.map(c => parent.columns[c]!.name))
  }

  private putEntry(txn: Transaction, schema: SchemaData, entry: CatalogEntry, deps?: ReadonlySet<string>, versioned = true): void {
    const key = lower(entry.name)
    const previous = schema.entries.get(key)
    const depKey = entryKey(schema.name, entry.name)
    if (versioned) this.uncommitted.touch(txn, depKey, previous)
    const previousDeps = this.dependencies.get(depKey)
    schema.entries.set(key, entry)
    if (deps !== undefined) this.dependencies.set(depKey, deps)
    txn.onRollback(() => {
      if (previous === undefined) schema.entries.delete(key)
      else schema.entries.set(key, previous)
      if (previousDeps === undefined) this.dependencies.delete(depKey)
      else this.dependencies.set(depKey, previousDeps)
    })
  }

  private removeEntry(txn: Transaction, schema: SchemaData, entry: CatalogEntry, versioned = true): void {
    const key = lower(entry.name)
    const depKey = entryKey(schema.name, entry.name)
    if (versioned) this.uncommitted.touch(txn, depKey, schema.entries.get(key))
    const previousDeps = this.dependencies.get(depKey)
    schema.entries.delete(key)
    this.dependencies.delete(depKey)
    txn.onRollback(() => {
      schema.entries.set(key, entry)
      if (previousDeps !== undefined) this.dependencies.set(depKey, previousDeps)
    })
  }

  private resolve(txn: Transaction, name: readonly string[]): CatalogEntry | undefined {
    if (name.length === 1) return this.lookup(txn, null, name[0]!)
    // catalog.schema.name: the catalog part names this database
    return this.lookup(txn, name[name.length - 2]!, name[name.length - 1]!)
  }

  private byKey(key: string): CatalogEntry | undefined {
    const dot = key.indexOf('.')
    return this.schemas.get(key.slice(0, dot))?.entries.get(key.slice(dot + 1))
  }

  private dependsTransitively(from: string, target: string, seen: Set<string>): boolean {
    if (seen.has(from)) return false
    seen.add(from)
    for (const d of this.dependencies.get(from) ?? []) {
      if (d === target || this.dependsTransitively(d, target, seen)) return true
    }
    return false
  }

  private requireSchema(name: string, position?: number): SchemaData {
    const s = this.schemas.get(lower(name))
    if (s === undefined) throw this.unknownSchema(name, position)
    return s
  }

  private unknownSchema(name: string, position?: number): GrizzlyError {
    return new GrizzlyError(SqlState.undefinedSchema, `Schema with name ${name} does not exist!`, {
      position, hint: didYouMean(name, this.schemaNames()),
    })
  }

  private alreadyExists(existing: CatalogEntry): GrizzlyError {
    return new GrizzlyError(SqlState.duplicateTable, `${kindName(existing.kind)} with name "${existing.name}" already exists!`, {
      hint: existing.kind === 'table' ? 'use CREATE OR REPLACE TABLE, or IF NOT EXISTS' : 'use CREATE OR REPLACE VIEW, or IF NOT EXISTS',
    })
  }

  private wrongKindToReplace(existing: CatalogEntry, kind: CatalogEntry['kind']): GrizzlyError {
    return new GrizzlyError(SqlState.wrongObjectType,
      `Existing object ${existing.name} is of type ${kindName(existing.kind)}, trying to replace with type ${kindName(kind)}`)
  }
}

function tableEntry(schema: string, name: string, table: MemoryTable, temporary: boolean): TableEntry {
  return { kind: 'table', schema, name, columns: table.columns, constraints: table.constraints, provider: table, temporary }
}

function checkColumnNames(columns: readonly ColumnSchema[]): void {
  const seen = new Set<string>()
  for (const c of columns) {
    const key = lower(c.name)
    if (seen.has(key)) throw new GrizzlyError(SqlState.duplicateColumn, `Column with name ${c.name} already exists!`)
    seen.add(key)
  }
}

/** refuses ALTERs that would break a foreign key this table takes part in (DuckDB's rules) */
function checkForeignKeyAlter(table: MemoryTable, change: AlterTableChange): void {
  const involved = (column: number): boolean => {
    if (table.foreignKeys.some(fk => fk.columns.includes(column))) return true
    const name = lower(table.columns[column]?.name ?? '')
    for (const child of table.referencedBy) {
      for (const fk of child.foreignKeys) if (fk.parent === table && fk.refColumnNames.some(n => lower(n) === name)) return true
    }
    return false
  }
  const refuse = (column: number): GrizzlyError => new GrizzlyError(SqlState.dependentObjects,
    `Cannot alter column "${table.columns[column]?.name}": it is involved in the foreign key constraint`)
  switch (change.kind) {
    case 'rename_table': {
      // a child may be renamed: its parent keeps the table itself, not its name (as DuckDB)
      if (table.referencedBy.size === 0) return
      const children = [...table.referencedBy].map(t => `"${t.name}"`).join(', ')
      throw new GrizzlyError(SqlState.dependentObjects, `Cannot rename table "${table.name}": the foreign key of ${children} references it`, {
        hint: `drop ${children} (or recreate it without the foreign key) first`,
      })
    }
    case 'rename_column': case 'drop_column': case 'alter_column_type':
      if (involved(change.column)) throw refuse(change.column)
      return
    case 'add_column': case 'set_default': case 'set_not_null': return
    default: assertNever(change, 'ALTER TABLE change')
  }
}

/** changes after which a view that reads the table might no longer bind */
function breaksViews(change: AlterTableChange): boolean {
  switch (change.kind) {
    case 'rename_table': case 'rename_column': case 'drop_column': case 'alter_column_type': return true
    case 'add_column': case 'set_default': case 'set_not_null': return false
    default: return assertNever(change, 'ALTER TABLE change')
  }
}
