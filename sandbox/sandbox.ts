/**
 * One extension in its own isolated-vm isolate (DESIGN §6): no require, process, filesystem,
 * network, timers or host objects. Batches cross through a shared arena (arena.ts) with one
 * compiled-once synchronous call per batch. Any failure inside the extension — a throw, a loop
 * past the time limit, a heap exhaustion, malformed output — fails only that call with a
 * GrizzlyError naming the extension and the function, and quarantines the extension until
 * `reload()`.
 */
import ivm from 'isolated-vm'
import { GrizzlyError, InternalError, SqlState, didYouMean } from '../core/errors.ts'
import { INTEGER, typeToString } from '../core/types/types.ts'
import type { AggregateState } from '../core/hooks/contracts.ts'
import { Vector, nullVector } from '../core/vector/vector.ts'
import {
  Arena, EXTERNAL_ROUTINE_EXCEPTION, MAX_ARGS, isSandboxType, logicalTypeOf, type SandboxType,
} from './arena.ts'
import { TYPE_SPELLINGS, accepts, isOpenType, sandboxTypeOf, shapeOf } from './types.ts'
import { RUNTIME_SOURCE } from './runtime.ts'
import { sdkScript } from './sdk-script.ts'
import { ServiceBridge, type CapabilityService } from './services.ts'

/** SQLSTATEs the sandbox raises besides 38000 (see README.md). */
export const SandboxState = {
  externalRoutineException: EXTERNAL_ROUTINE_EXCEPTION,
  invalidFunctionDefinition: '42P13',
  outOfMemory: '53200',
  timedOut: SqlState.queryCanceled,
} as const

export interface SandboxLimits {
  /** isolate heap limit (isolated-vm's memoryLimit; at least 8) */
  readonly heapMb: number
  /** longest a single batch call may run */
  readonly cpuMsPerCall: number
  /** total time an extension may use within one statement; also bounds loading */
  readonly wallMsPerStatement: number
}

export const DEFAULT_LIMITS: SandboxLimits = { heapMb: 64, cpuMsPerCall: 1000, wallMsPerStatement: 10_000 }

export interface SandboxOptions {
  /** the extension's name (the manifest's); the code must define an extension of this name */
  readonly name: string
  /** the bundle's index.js, one script */
  readonly code: string
  readonly limits?: Partial<SandboxLimits>
  /**
   * WebAssembly is absent unless allowed here; when allowed, every WASM memory must declare a
   * maximum of at most this many MB (V8 does not charge WASM memory to the heap limit).
   */
  readonly wasm?: { readonly maxMemoryMb: number }
  /** capability services the policy granted, by capability name; the bridge refuses all others */
  readonly services?: ReadonlyMap<string, CapabilityService>
}

export interface SandboxScalar {
  readonly name: string
  readonly args: readonly SandboxType[]
  readonly returns: SandboxType
  readonly volatility: 'immutable' | 'stable' | 'volatile'
  /** position in the extension's scalars list */
  readonly index: number
}

export interface SandboxAggregate {
  readonly name: string
  readonly args: readonly SandboxType[]
  readonly returns: SandboxType
  /** position in the extension's aggregates list */
  readonly index: number
}

/** A file format reader: `parse` and one `column_<k>` scalar per column run it (sdk FormatSpec). */
export interface SandboxFormat {
  readonly name: string
  readonly extensions: readonly string[]
  readonly columns: readonly { readonly name: string; readonly type: SandboxType }[]
  readonly parse: SandboxScalar
  readonly columnScalars: readonly SandboxScalar[]
}

export interface FunctionStats {
  readonly name: string
  readonly signature: string
  calls: number
  rows: number
  failures: number
  /** isolate CPU time, milliseconds */
  cpuMs: number
  /** host wall time around the calls (marshalling included), milliseconds */
  wallMs: number
}

interface Loaded {
  readonly isolate: ivm.Isolate
  readonly context: ivm.Context
  /** status: 0 done, > 0 output bytes needed, a string says what went wrong */
  readonly callRef: ivm.Reference<(index: number, count: number, nargs: number) => number | string>
  readonly setArenaRef: ivm.Reference<(sab: SharedArrayBuffer) => number | string>
  readonly aggregateRef: ivm.Reference<(op: number, index: number, stateId: number, a: number, b: number) => number | string>
  readonly arena: Arena
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/

export class ExtensionSandbox {
  readonly name: string
  readonly limits: SandboxLimits
  private readonly code: string
  private readonly wasmMaxPages: number | null
  private loaded: Loaded | null
  private readonly bridge: ServiceBridge
  private quarantineReason: string | null = null
  private disposed = false
  private statement: number | undefined
  private statementWallMs = 0
  private readonly functionStats = new Map<string, FunctionStats>()
  version = ''
  scalars: readonly SandboxScalar[] = []
  aggregates: readonly SandboxAggregate[] = []
  formats: readonly SandboxFormat[] = []

  private constructor(options: SandboxOptions) {
    this.name = options.name
    this.code = options.code
    const wasmMb = options.wasm?.maxMemoryMb
    if (wasmMb !== undefined && !(Number.isFinite(wasmMb) && wasmMb > 0 && wasmMb <= 4096)) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `extension "${options.name}": wasm.maxMemoryMb must be between 0 and 4096, not ${wasmMb}`)
    }
    // one WASM page is 64 KiB
    this.wasmMaxPages = wasmMb === undefined ? null : Math.floor(wasmMb * 16)
    this.limits = checkLimits(options.name, { ...DEFAULT_LIMITS, ...options.limits })
    this.bridge = new ServiceBridge(options.name, options.services ?? new Map())
    this.loaded = null
  }

  /** Creates the isolate, runs the SDK, the runtime and the extension, and reads its definition. */
  static load(options: SandboxOptions): ExtensionSandbox {
    if (typeof options.name !== 'string' || !IDENTIFIER.test(options.name)) {
      throw new GrizzlyError(SandboxState.invalidFunctionDefinition, `extension name ${JSON.stringify(options.name)} is not a lowercase identifier`)
    }
    if (typeof options.code !== 'string') {
      throw new GrizzlyError(SandboxState.invalidFunctionDefinition, `extension "${options.name}" has no code`)
    }
    const sandbox = new ExtensionSandbox(options)
    sandbox.start()
    return sandbox
  }

  /** Why calls are refused, or null when the extension is healthy. */
  get quarantined(): string | null { return this.quarantineReason }
  get isDisposed(): boolean { return this.disposed }

  /** Throws the isolate away and loads the same code again; clears the quarantine, keeps the stats. */
  reload(): void {
    if (this.disposed) throw this.error(EXTERNAL_ROUTINE_EXCEPTION, 'has been disposed and cannot be reloaded')
    this.release()
    this.quarantineReason = null
    this.start()
  }

  dispose(): void {
    this.release()
    this.disposed = true
  }

  stats(): readonly FunctionStats[] { return [...this.functionStats.values()].map(s => ({ ...s })) }

  /** Bytes of the isolate's heap in use (0 when it is not loaded): metering, not a limit check. */
  heapUsedBytes(): number {
    const loaded = this.loaded
    if (loaded === null || loaded.isolate.isDisposed) return 0
    const h = loaded.isolate.getHeapStatisticsSync()
    return h.used_heap_size + h.externally_allocated_size
  }

  /** Looks a scalar up by name and, when overloaded, by the argument types. */
  scalar(name: string, argTypes?: readonly SandboxType[]): SandboxScalar {
    const lower = name.toLowerCase()
    const candidates = this.scalars.filter(s => s.name === lower)
    const match = argTypes === undefined ? candidates[0]
      : candidates.find(s => s.args.length === argTypes.length && s.args.every((t, i) => t === argTypes[i]))
    if (match === undefined) {
      throw new GrizzlyError(SqlState.undefinedFunction,
        `extension "${this.name}" has no function ${name}${argTypes === undefined ? '' : `(${argTypes.join(', ')})`}`,
        { hint: didYouMean(name, this.scalars.map(s => s.name)) })
    }
    return match
  }

  /**
   * Runs one batch: `args` hold `count` rows each, of the function's argument types. `statement`
   * identifies the SQL statement (e.g. FunctionContext.statementTime) for the per-statement budget.
   */
  callScalar(fn: SandboxScalar | string, args: readonly Vector[], count: number, statement?: number): Vector {
    const spec = typeof fn === 'string' ? this.scalar(fn) : fn
    const loaded = this.ready(spec)
    // an open FLOAT[ANY] argument crosses as the size this call was bound to
    const types = checkArgs(this.name, spec, args, count)
    const stats = this.statsOf(spec)
    if (count === 0) return nullVector(logicalTypeOf(spec.returns), 0)
    return this.exchange(loaded, spec, stats, types, args, count, spec.returns, statement,
      timeout => loaded.callRef.applySync(undefined, [spec.index, count, spec.args.length], { timeout }))!
  }

  /**
   * One round trip: arguments into the arena, one call, the result (if `returns`) out of it.
   * Every failure is turned into a GrizzlyError and quarantines the extension.
   */
  private exchange(loaded: Loaded, spec: { readonly name: string }, stats: FunctionStats, types: readonly SandboxType[],
    args: readonly Vector[], count: number, returns: SandboxType | null, statement: number | undefined,
    call: (timeout: number) => number | string): Vector | null {
    if (statement !== this.statement) { this.statement = statement; this.statementWallMs = 0 }
    const remaining = this.limits.wallMsPerStatement - this.statementWallMs
    if (remaining <= 0) {
      throw this.fail(spec, SandboxState.timedOut, `used up its time for this statement (${this.limits.wallMsPerStatement} ms)`)
    }
    const timeout = Math.max(1, Math.ceil(Math.min(this.limits.cpuMsPerCall, remaining)))
    const arena = loaded.arena
    const needed = Arena.bytesNeeded(types, args, count, returns ?? 'INTEGER')
    if (needed > arena.size) this.growArena(loaded, needed, timeout)
    const outAt = arena.writeArgs(types, args, count)
    const cpu0 = loaded.isolate.cpuTime
    const wall0 = performance.now()
    let status: number | string
    let serviceFailure: GrizzlyError | null = null
    this.bridge.failure = null
    this.bridge.deadline = performance.now() + timeout
    this.bridge.limitMs = timeout
    try {
      status = call(timeout)
      serviceFailure = this.bridge.takeFailure()
      if (serviceFailure !== null) throw serviceFailure
      // the output did not fit: grow, and the runtime writes the result it kept
      if (typeof status === 'number' && status > 0) status = this.growArena(loaded, outAt + status, timeout, outAt)
      if (typeof status === 'string') throw new ExtensionFailure(status)
      if (status !== 0) throw new ExtensionFailure(`returned malformed output: it needs ${status} bytes`)
    } catch (e) {
      this.account(stats, loaded, cpu0, wall0, count, false)
      // a service's failure fails the statement, even if the extension caught it, without quarantine
      serviceFailure ??= this.bridge.takeFailure()
      if (serviceFailure !== null && !isTimeout(e)) {
        throw new GrizzlyError(serviceFailure.code, `${this.who(spec)}: ${serviceFailure.message}`, { hint: serviceFailure.hint, cause: serviceFailure })
      }
      throw this.failFrom(spec, e, loaded)
    }
    this.account(stats, loaded, cpu0, wall0, count, true)
    if (returns === null) return null
    try {
      return arena.readResult(returns, count, outAt, this.who(spec))
    } catch (e) {
      stats.failures++
      throw this.failFrom(spec, e, loaded)
    }
  }

  /** Grouped state of a sandboxed aggregate (core/hooks AggregateState); per-group states live in the isolate. */
  createAggregateState(spec: SandboxAggregate, statement?: number): AggregateState {
    this.ready(spec)
    return new SandboxAggregateState(this, spec, statement)
  }

  /** @internal used by SandboxAggregateState */
  aggregateCall(spec: SandboxAggregate, op: 0 | 1 | 2 | 3, stateId: number, a: number, b: number,
    types: readonly SandboxType[], args: readonly Vector[], count: number, statement: number | undefined): Vector | null {
    const loaded = this.ready(spec)
    const stats = this.statsOf(spec)
    if (op === 3) {
      loaded.aggregateRef.applySync(undefined, [3, spec.index, stateId, 0, 0], { timeout: this.limits.cpuMsPerCall })
      return null
    }
    return this.exchange(loaded, spec, stats, types, args, count, op === 2 ? spec.returns : null, statement,
      timeout => loaded.aggregateRef.applySync(undefined, [op, spec.index, stateId, a, b], { timeout }))
  }

  // ---- loading ----------------------------------------------------------------------------------

  private start(): void {
    const isolate = new ivm.Isolate({ memoryLimit: this.limits.heapMb })
    try {
      const context = isolate.createContextSync()
      const timeout = this.limits.wallMsPerStatement
      // a Callback reaches the isolate as a plain function; the runtime takes it off the global
      const bridge = this.bridge
      context.global.setSync('__grizzlyBridge', new ivm.Callback((s: unknown, m: unknown, a: unknown) => bridge.call(s, m, a)))
      isolate.compileScriptSync(sdkScript(), { filename: 'grizzly:sdk.js' }).runSync(context, { timeout })
      isolate.compileScriptSync(RUNTIME_SOURCE, { filename: 'grizzly:runtime.js' }).runSync(context, { timeout })
      // references are taken before the extension runs, so it cannot swap the runtime out
      const runtime = context.global.getSync('__grizzlyRuntime', { reference: true }) as ivm.Reference<Record<string, unknown>>
      const callRef = runtime.getSync('callScalar', { reference: true }) as Loaded['callRef']
      const setArenaRef = runtime.getSync('setArena', { reference: true }) as Loaded['setArenaRef']
      const aggregateRef = runtime.getSync('aggregate', { reference: true }) as Loaded['aggregateRef']
      const describeRef = runtime.getSync('describe', { reference: true }) as ivm.Reference<() => string>
      const loadRef = runtime.getSync('load', { reference: true }) as ivm.Reference<(code: string, filename: string) => string>
      const configureRef = runtime.getSync('configure', { reference: true }) as ivm.Reference<(allowWasm: boolean, maxPages: number) => void>
      // the runtime's functions are reachable only through these references from now on
      context.global.deleteSync('__grizzlyRuntime')
      configureRef.applySync(undefined, [this.wasmMaxPages !== null, this.wasmMaxPages ?? 0], { timeout })
      this.bridge.failure = null
      this.bridge.deadline = performance.now() + timeout
      this.bridge.limitMs = timeout
      const loadFailure = loadRef.applySync(undefined, [this.code, `extension:${this.name}/index.js`], { timeout })
      const serviceFailure = this.bridge.takeFailure()
      if (serviceFailure !== null) throw this.error(serviceFailure.code, `failed to load: ${serviceFailure.message}`, serviceFailure)
      if (typeof loadFailure !== 'string') throw new InternalError('the sandbox runtime did not report on loading')
      if (loadFailure !== '') throw this.error(SandboxState.invalidFunctionDefinition, `failed to load: its code ${loadFailure}`)
      const description = describeRef.applySync(undefined, [], { timeout })
      this.readDefinition(description)
      const arena = new Arena(1 << 20)
      const loaded: Loaded = { isolate, context, callRef, setArenaRef, aggregateRef, arena }
      setArenaRef.applySync(undefined, [new ivm.ExternalCopy(arena.buffer).copyInto({ release: true })], { timeout })
      this.loaded = loaded
    } catch (e) {
      const disposedByOom = isolate.isDisposed
      if (!isolate.isDisposed) isolate.dispose()
      if (e instanceof GrizzlyError) throw e
      if (disposedByOom) {
        throw this.error(SandboxState.outOfMemory, `ran out of memory while loading (heap limit ${this.limits.heapMb} MB)`, e)
      }
      if (isTimeout(e)) throw this.error(SandboxState.timedOut, `did not finish loading within ${this.limits.wallMsPerStatement} ms`, e)
      throw this.error(SandboxState.invalidFunctionDefinition, `failed to load: ${messageOf(e)}`, e)
    }
  }

  private readDefinition(json: string): void {
    const bad = (what: string, hint?: string): GrizzlyError =>
      new GrizzlyError(SandboxState.invalidFunctionDefinition, `extension "${this.name}": ${what}`, { hint })
    let def: Description
    try { def = JSON.parse(json) as Description } catch { throw bad('its definition could not be read') }
    if (!def.defined && def.error !== undefined) throw bad(`its definition could not be read: it ${def.error}`)
    if (!def.defined) throw bad('the code did not call defineExtension', 'call defineExtension({ name, version, scalars }) at the top level of index.js')
    if (def.name !== this.name) throw bad(`the code defines an extension named "${def.name}"`, `the manifest and defineExtension must use the same name`)
    const typeHint = (t: unknown): string | undefined => didYouMean(String(t), [...TYPE_SPELLINGS])
    const flat = (t: unknown): boolean => shapeOf(t)?.kind === 'flat'
    const seen = new Set<string>()
    const scalars: SandboxScalar[] = []
    def.scalars.forEach((s, index) => {
      const where = `scalar #${index + 1}${IDENTIFIER.test(s.name) ? ` "${s.name}"` : ''}`
      if (!IDENTIFIER.test(s.name)) throw bad(`${where} has the name ${JSON.stringify(s.name)}, not a lowercase identifier`)
      if (s.args === null) throw bad(`${where} has no args list`)
      if (s.args.length > MAX_ARGS) throw bad(`${where} takes ${s.args.length} arguments, more than ${MAX_ARGS}`)
      for (const t of s.args) if (!isSandboxType(t)) throw bad(`${where} has an unknown argument type ${JSON.stringify(t)}`, typeHint(t))
      if (!isSandboxType(s.returns)) throw bad(`${where} has an unknown return type ${JSON.stringify(s.returns)}`, typeHint(s.returns))
      if (isOpenType(s.returns)) throw bad(`${where} returns ${s.returns}: a result needs a fixed size`, `declare ${s.returns.replace('ANY', '<n>')}, or a list ${s.returns.replace('ANY', '')}`)
      if (!s.invocable) throw bad(`${where} has no invoke function`)
      const volatility = s.volatility ?? 'immutable'
      if (volatility !== 'immutable' && volatility !== 'stable' && volatility !== 'volatile') throw bad(`${where} has an unknown volatility "${volatility}"`)
      const key = `${s.name}(${s.args.join(',')})`
      if (seen.has(key)) throw bad(`${key} is defined twice`)
      seen.add(key)
      scalars.push({ name: s.name, args: s.args as SandboxType[], returns: s.returns, volatility, index })
    })
    const aggregates: SandboxAggregate[] = []
    for (const [index, a] of def.aggregates.entries()) {
      if (!IDENTIFIER.test(a.name)) throw bad(`aggregate ${JSON.stringify(a.name)} is not a lowercase identifier`)
      if (a.args === null || !a.args.every(isSandboxType)) throw bad(`aggregate "${a.name}" has an unknown argument type`)
      if (!a.args.every(flat) || !flat(a.returns)) throw bad(`aggregate "${a.name}" uses an array or list type, which aggregates do not take yet`, 'aggregates take BOOLEAN, INTEGER, BIGINT, FLOAT, DOUBLE and VARCHAR')
      if (!isSandboxType(a.returns)) throw bad(`aggregate "${a.name}" has an unknown return type ${JSON.stringify(a.returns)}`, typeHint(a.returns))
      const key = `${a.name}(${a.args.join(',')})`
      if (seen.has(key)) throw bad(`${key} is defined twice`)
      seen.add(key)
      if (a.args.length > MAX_ARGS - 2) throw bad(`aggregate "${a.name}" takes ${a.args.length} arguments, more than ${MAX_ARGS - 2}`)
      if (!a.invocable) throw bad(`aggregate "${a.name}" needs init, update, combine and finalize functions`)
      aggregates.push({ name: a.name, args: a.args as SandboxType[], returns: a.returns, index })
    }
    const formats: SandboxFormat[] = []
    for (const f of def.formats ?? []) {
      const internal = (suffix: string): SandboxScalar => {
        const found = scalars.find(s => s.name === `__format_${f.name}_${suffix}`)
        if (found === undefined) throw bad(`format "${f.name}" has no reader functions`, 'define formats through defineExtension')
        return found
      }
      const columns = f.columns.map((c, k) => {
        if (!isSandboxType(c.type) || !flat(c.type)) throw bad(`format "${f.name}" column ${k + 1} has an unknown type ${JSON.stringify(c.type)}`, typeHint(c.type))
        return { name: c.name, type: c.type }
      })
      formats.push({ name: f.name, extensions: f.extensions, columns, parse: internal('parse'), columnScalars: columns.map((_, k) => internal(`column_${k}`)) })
    }
    this.version = def.version
    this.scalars = scalars
    this.aggregates = aggregates
    this.formats = formats
  }

  // ---- calls ------------------------------------------------------------------------------------

  /** Makes the arena at least `bytes` long and shares the new buffer with the isolate. */
  private growArena(loaded: Loaded, bytes: number, timeout: number, outAt?: number): number | string {
    loaded.arena.grow(bytes)
    if (outAt !== undefined) loaded.arena.setOutput(outAt)
    return loaded.setArenaRef.applySync(undefined,
      [new ivm.ExternalCopy(loaded.arena.buffer).copyInto({ release: true })], { timeout })
  }

  private ready(spec: { readonly name: string }): Loaded {
    if (this.disposed) throw this.error(EXTERNAL_ROUTINE_EXCEPTION, 'has been disposed')
    if (this.quarantineReason !== null) {
      throw new GrizzlyError(EXTERNAL_ROUTINE_EXCEPTION,
        `extension "${this.name}" is quarantined and refuses to run ${spec.name}: ${this.quarantineReason}`,
        { hint: 'reload the extension to use it again' })
    }
    if (this.loaded === null) throw this.error(EXTERNAL_ROUTINE_EXCEPTION, 'is not loaded')
    return this.loaded
  }

  private statsOf(spec: { readonly name: string; readonly args: readonly SandboxType[]; readonly returns: SandboxType }): FunctionStats {
    const signature = `${spec.name}(${spec.args.join(', ')}) -> ${spec.returns}`
    let s = this.functionStats.get(signature)
    if (s === undefined) {
      s = { name: spec.name, signature, calls: 0, rows: 0, failures: 0, cpuMs: 0, wallMs: 0 }
      this.functionStats.set(signature, s)
    }
    return s
  }

  private account(stats: FunctionStats, loaded: Loaded, cpu0: bigint, wall0: number, rows: number, ok: boolean): void {
    const wall = performance.now() - wall0
    stats.calls++
    stats.wallMs += wall
    this.statementWallMs += wall
    if (ok) stats.rows += rows
    else stats.failures++
    if (!loaded.isolate.isDisposed) stats.cpuMs += Number(loaded.isolate.cpuTime - cpu0) / 1e6
  }

  private who(spec: { readonly name: string }): string { return `function ${spec.name} of extension "${this.name}"` }

  /** Turns whatever a call threw into a GrizzlyError and quarantines the extension. */
  private failFrom(spec: { readonly name: string }, e: unknown, loaded: Loaded): GrizzlyError {
    if (loaded.isolate.isDisposed) {
      return this.fail(spec, SandboxState.outOfMemory, `ran out of memory (heap limit ${this.limits.heapMb} MB); the isolate was disposed`, e)
    }
    if (isTimeout(e)) return this.fail(spec, SandboxState.timedOut, `ran longer than its limit (${this.limits.cpuMsPerCall} ms per call)`, e)
    if (e instanceof ExtensionFailure && e.message.startsWith(INVALID_INPUT)) {
      return new GrizzlyError(SqlState.invalidParameterValue, `${this.who(spec)}: ${e.message.slice(INVALID_INPUT.length)}`, { hint: 'check the input values' })
    }
    if (e instanceof ExtensionFailure) return this.fail(spec, EXTERNAL_ROUTINE_EXCEPTION, e.message.startsWith('malformed') ? `returned ${e.message}` : e.message)
    if (e instanceof GrizzlyError) {
      // the arena refused a batch too large to cross: the caller's problem, not the extension's
      if (e.code === SqlState.programLimitExceeded) return e
      return this.fail(spec, e.code, e.message.startsWith(this.who(spec)) ? e.message.slice(this.who(spec).length + 1) : e.message, e)
    }
    return this.fail(spec, EXTERNAL_ROUTINE_EXCEPTION, `failed: ${messageOf(e)}`, e)
  }

  private fail(spec: { readonly name: string }, code: string, what: string, cause?: unknown): GrizzlyError {
    this.quarantineReason = `${spec.name} ${what}`
    if (code === SandboxState.outOfMemory) this.release()
    return new GrizzlyError(code, `${this.who(spec)} ${what}`, { cause, hint: 'the extension is quarantined until it is reloaded' })
  }

  private error(code: string, what: string, cause?: unknown): GrizzlyError {
    return new GrizzlyError(code, `extension "${this.name}" ${what}`, { cause })
  }

  private release(): void {
    const loaded = this.loaded
    this.loaded = null
    if (loaded === null) return
    loaded.callRef.release()
    loaded.setArenaRef.release()
    loaded.aggregateRef.release()
    if (!loaded.isolate.isDisposed) loaded.isolate.dispose()
  }
}

let nextStateId = 1
// per-group states in the isolate are dropped when the host's state object is collected
const stateCleanup = new FinalizationRegistry<{ sandbox: ExtensionSandbox; spec: SandboxAggregate; id: number }>(held => {
  try { held.sandbox.aggregateCall(held.spec, 3, held.id, 0, 0, [], [], 0, undefined) } catch { /* quarantined or disposed: nothing to free */ }
})

class SandboxAggregateState implements AggregateState {
  private readonly id = nextStateId++
  constructor(private readonly sandbox: ExtensionSandbox, private readonly spec: SandboxAggregate, private readonly statement: number | undefined) {
    stateCleanup.register(this, { sandbox, spec, id: this.id })
  }
  resize(): void { /* groups are created on first use inside the isolate */ }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    if (count === 0) return
    const ids = new Vector(INTEGER, count, groupIds, null)
    this.sandbox.aggregateCall(this.spec, 0, this.id, count, this.spec.args.length, [...this.spec.args, 'INTEGER'], [...args, ids], count, this.statement)
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    if (!(other instanceof SandboxAggregateState) || other.sandbox !== this.sandbox || other.spec !== this.spec) throw new InternalError('a sandboxed aggregate state combined with a foreign one')
    if (count === 0) return
    this.sandbox.aggregateCall(this.spec, 1, this.id, other.id, count, ['INTEGER', 'INTEGER'],
      [new Vector(INTEGER, count, src, null), new Vector(INTEGER, count, dst, null)], count, this.statement)
  }
  finalize(groups: number): Vector {
    if (groups === 0) return nullVector(logicalTypeOf(this.spec.returns), 0)
    return this.sandbox.aggregateCall(this.spec, 2, this.id, groups, 0, [], [], groups, this.statement)!
  }
}

/** How the runtime reports an InvalidInputError (sdk): a data error, not the extension's. */
const INVALID_INPUT = 'invalid input: '

/** A failure the runtime reported from inside the isolate, as text. */
class ExtensionFailure extends Error {}

interface Description {
  readonly defined: boolean
  readonly error?: string
  readonly name: string
  readonly version: string
  readonly scalars: readonly { name: string; args: string[] | null; returns: string; volatility: string | null; invocable: boolean }[]
  readonly aggregates: readonly { name: string; args: string[] | null; returns: string; invocable: boolean }[]
  readonly formats?: readonly { name: string; extensions: string[]; columns: { name: string; type: string }[] }[]
}

function checkLimits(name: string, limits: SandboxLimits): SandboxLimits {
  const bad = (what: string): GrizzlyError => new GrizzlyError(SqlState.invalidParameterValue, `extension "${name}": ${what}`)
  if (!Number.isFinite(limits.heapMb) || limits.heapMb < 8) throw bad(`heapMb must be at least 8, not ${limits.heapMb}`)
  if (!Number.isFinite(limits.cpuMsPerCall) || limits.cpuMsPerCall <= 0) throw bad(`cpuMsPerCall must be positive, not ${limits.cpuMsPerCall}`)
  if (!Number.isFinite(limits.wallMsPerStatement) || limits.wallMsPerStatement <= 0) throw bad(`wallMsPerStatement must be positive, not ${limits.wallMsPerStatement}`)
  return limits
}

function checkArgs(extension: string, spec: SandboxScalar, args: readonly Vector[], count: number): readonly SandboxType[] {
  const mismatch = (what: string): GrizzlyError => new GrizzlyError(SqlState.datatypeMismatch,
    `function ${spec.name} of extension "${extension}" ${what}`)
  if (!Number.isInteger(count) || count < 0) throw mismatch(`was called with a batch of ${count} rows`)
  if (args.length !== spec.args.length) throw mismatch(`takes ${spec.args.length} arguments, not ${args.length}`)
  const types: SandboxType[] = []
  for (let k = 0; k < args.length; k++) {
    const v = args[k]!
    const actual = sandboxTypeOf(v.type)
    if (actual === null || !accepts(spec.args[k]!, actual)) throw mismatch(`expects ${spec.args[k]} for argument ${k + 1}, not ${typeToString(v.type)}`)
    if (v.length < count) throw mismatch(`got ${v.length} rows for argument ${k + 1} in a batch of ${count}`)
    types.push(actual)
  }
  return types
}

function isTimeout(e: unknown): boolean {
  return messageOf(e).includes('Script execution timed out')
}

function messageOf(e: unknown): string {
  try {
    if (e instanceof Error) return e.message
    return String(e)
  } catch {
    return 'an unprintable value was thrown'
  }
}
