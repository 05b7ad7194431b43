/**
 * A stored index whose method is not registered when the database opens (the extension that
 * provides it, say `hnsw`, is loaded later with LOAD EXTENSION). The database still opens: the
 * index keeps its definition (so checkpoints write it back), answers nothing (queries scan the
 * table) and ignores row changes. Once the method is registered, the table rebuilds it from its
 * rows the next time a query plans against it (TableIndexes.revive).
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { IndexInstance, IndexSpec, IndexTypeDef } from '../hooks/contracts.ts'
import type { Hooks } from '../hooks/registry.ts'

export class PendingIndexType implements IndexTypeDef {
  readonly description: string
  constructor(readonly name: string, private readonly hooks: Hooks) {
    this.description = `index method "${name}", not loaded`
  }

  /** the registered method, once an extension provides it */
  get available(): IndexTypeDef | undefined { return this.hooks.indexType(this.name) }

  create(spec: IndexSpec): IndexInstance {
    const method = this.available
    return method !== undefined ? method.create(spec) : new PendingIndex(this.name)
  }
}

export class PendingIndex implements IndexInstance {
  readonly capabilities = { equality: false, range: false }
  readonly size = 0
  constructor(readonly method: string) {}
  insert(): number { return -1 }
  remove(): void {}
  count(): number { return 0 }
  search(): Float64Array {
    throw new GrizzlyError(SqlState.undefinedObject, `index method "${this.method}" is not loaded`,
      { hint: `LOAD EXTENSION the extension that provides "${this.method}"; until then queries read the table` })
  }
}
