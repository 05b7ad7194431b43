/**
 * The ExtensionHost the package entry wires into every Database (DESIGN §2, §6): INSTALL through
 * the local registry, LOAD through verification → policy → sandbox → hooks, UNLOAD, UPDATE
 * EXTENSIONS, grizzly_extensions(), SHOW EXTENSION PERMISSIONS, procedural routines, metering.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve as resolvePath } from 'node:path'
import { GrizzlyError, SqlState, didYouMean } from '../core/errors.ts'
import {
  registerUnavailableRoutine, routineExtensionName, type ExtensionHost, type ExtensionHostContext, type ExtensionInfo, type ExtensionLimits, type ExtensionMeter,
  type LoadTarget, type PermissionInfo, type RoutineDefinition, type UpdateInfo,
} from '../core/extensions/host.ts'
import type { AggregateFunctionDef, AggregateState, ScalarFunctionDef } from '../core/hooks/contracts.ts'
import { ENGINE_API_VERSION, type Hooks } from '../core/hooks/registry.ts'
import { BIGINT, BOOLEAN, VARCHAR, list, type LogicalType } from '../core/types/types.ts'
import { DataChunk, vectorFromValues, type Vector } from '../core/vector/vector.ts'
import { DEFAULT_POLICY, checkLoad, tighterLimits, type Policy } from '../policies/index.ts'
import {
  BundleError, ENTRY_FILE, compareVersions, install, listInstalled, loadPolicy, loadPolicyFile, parseRange, prepareLoad,
  resolve as resolveVersion, satisfies, sha256Hex, trustFromPolicy, verifyBundle, verifyInstalled, type ExtensionManifest,
} from '../registry/index.ts'
import { logicalTypeOf } from '../sandbox/arena.ts'
import { registerSandboxedFunctions } from '../sandbox/register.ts'
import { ExtensionSandbox } from '../sandbox/sandbox.ts'
import { checkServices, type CapabilityService } from '../sandbox/services.ts'
import { registerSandboxedFormats } from './formats.ts'
import { checkModelFile } from './models.ts'
import { INVALID_FUNCTION_DEFINITION, checkJavaScriptBody, routineScript, wasmHex } from './routines.ts'
import { readSources, writeSource } from './sources.ts'

/** Procedural functions run under these unless the policy's default_limits are tighter. */
export const ROUTINE_LIMITS: ExtensionLimits = { heapMb: 64, cpuMsPerCall: 1000, wallMsPerStatement: 30_000 }

/** Where INSTALL puts bundles when Database.open gets no extensionDirectory. */
export function defaultExtensionDirectory(): string { return join(homedir(), '.grizzly', 'extensions', ENGINE_API_VERSION) }

interface LoadedExtension {
  readonly name: string
  readonly version: string
  readonly source: 'registry' | 'path'
  readonly dir: string
  readonly manifest: ExtensionManifest
  readonly publisherKey: string | null
  readonly capabilities: readonly string[]
  readonly deniedCapabilities: readonly string[]
  readonly limits: ExtensionLimits
  readonly sandbox: ExtensionSandbox
  readonly hooks: readonly string[]
}

/** `sandbox` null: a stored routine that cannot run here (restoreRoutine); calling it fails with the reason */
interface Routine { readonly def: RoutineDefinition; readonly sandbox: ExtensionSandbox | null; readonly extension: string }

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/

/** Reads the `policy` open option: a parsed document, JSON text, or a path to a JSON file. */
export function policyFromOption(option: unknown): Policy {
  if (option === undefined || option === null) return DEFAULT_POLICY
  if (typeof option === 'string') return option.trimStart().startsWith('{') ? loadPolicy(option) : loadPolicyFile(option)
  return loadPolicy(option)
}

export class SandboxExtensionHost implements ExtensionHost {
  readonly policy: Policy
  readonly directory: string
  /** INSTALL without FROM uses it (open option extensionRegistry) */
  readonly defaultRegistry: string | null
  private readonly hooks: Hooks
  /** capability services by the capability that grants them (sandbox/services.ts) */
  private readonly services: ReadonlyMap<string, CapabilityService>
  private readonly loaded = new Map<string, LoadedExtension>()
  private readonly routineMap = new Map<string, Routine>()
  private readonly routineListeners = new Set<(change: { readonly kind: 'create' | 'drop'; readonly def: RoutineDefinition }) => void>()

  /** `services` default to the open option of that name (the package entry passes the first-party ones) */
  constructor(ctx: ExtensionHostContext, services: readonly CapabilityService[] | undefined = ctx.options['services'] as CapabilityService[] | undefined) {
    this.hooks = ctx.hooks
    this.services = checkServices(services)
    this.policy = policyFromOption(ctx.options['policy'])
    const dir = ctx.options['extensionDirectory']
    this.directory = typeof dir === 'string' && dir !== '' ? resolvePath(dir) : defaultExtensionDirectory()
    const registry = ctx.options['extensionRegistry']
    this.defaultRegistry = typeof registry === 'string' && registry !== '' ? resolvePath(registry) : null
    registerCatalogFunctions(this.hooks, this)
  }

  install(name: string, range: string | null, from: string | null, force: boolean): { readonly version: string } {
    const source = from ?? this.defaultRegistry
    if (source === null) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `INSTALL ${name} needs a registry to install from`, {
        hint: `INSTALL ${name} FROM 'path/to/registry' (a directory that grizzly ext publish writes to), or open the database with extensionRegistry`,
      })
    }
    const registry = resolvePath(source)
    const done = install(registry, name, range ?? '*', this.directory, trustFromPolicy(this.policy), { force })
    writeSource(this.directory, name, { registry, range: range ?? '*' })
    return { version: done.version }
  }

  load(target: LoadTarget): { readonly name: string; readonly version: string } {
    const prepared = target.kind === 'name' ? this.prepareInstalled(target.name) : this.prepareDirectory(target.path)
    const existing = this.loaded.get(prepared.name)
    if (existing !== undefined) {
      if (existing.version === prepared.version && existing.dir === prepared.dir) {
        // loading again is how a quarantined extension is brought back
        if (existing.sandbox.quarantined !== null) existing.sandbox.reload()
        return existing
      }
      throw new GrizzlyError(SqlState.duplicateObject, `extension "${prepared.name}" ${existing.version} is already loaded`, {
        hint: `UNLOAD EXTENSION ${prepared.name} first to load version ${prepared.version}`,
      })
    }
    if (this.routineMap.has(prepared.name)) throw new GrizzlyError(SqlState.duplicateObject, `"${prepared.name}" is the name of a procedural function`)
    // only services whose capability the policy granted are reachable from the isolate
    const granted = new Map<string, CapabilityService>()
    for (const c of prepared.capabilities) { const s = this.services.get(c); if (s !== undefined) granted.set(c, s) }
    const sandbox = ExtensionSandbox.load({
      name: prepared.name, code: prepared.script, limits: prepared.limits,
      // WASM memory is not charged to the heap limit, so cap it at the same size
      wasm: { maxMemoryMb: prepared.limits.heapMb },
      services: granted,
    })
    let hooks: string[] = []
    try {
      registerSandboxedFunctions(this.hooks, sandbox)
      const scalars = new Set(sandbox.scalars.filter(f => !f.name.startsWith('__format_')).map(f => f.name))
      hooks = [...[...scalars].map(n => `scalar:${n}`), ...[...new Set(sandbox.aggregates.map(a => a.name))].map(n => `aggregate:${n}`)]
      for (const f of registerSandboxedFormats(this.hooks, sandbox, prepared.manifest, prepared.capabilities)) hooks.push(`format:${f}`)
      // a service's hooks carry the extension as origin, so UNLOAD removes them with the rest
      for (const s of granted.values()) if (s.register !== undefined) hooks.push(...s.register(this.hooks, prepared.name))
    } catch (e) {
      this.hooks.unregisterExtension(prepared.name)
      sandbox.dispose()
      throw e
    }
    const entry: LoadedExtension = { ...prepared, sandbox, hooks }
    this.loaded.set(prepared.name, entry)
    return entry
  }

  unload(name: string): void {
    const entry = this.loaded.get(name)
    if (entry === undefined) {
      throw new GrizzlyError(SqlState.undefinedObject, `extension "${name}" is not loaded`, {
        hint: didYouMean(name, [...this.loaded.keys()]) ?? 'grizzly_extensions() lists the loaded extensions',
      })
    }
    this.hooks.unregisterExtension(name)
    entry.sandbox.dispose()
    this.loaded.delete(name)
  }

  update(names: readonly string[] | null): readonly UpdateInfo[] {
    const installed = new Map(listInstalled(this.directory).map(e => [e.name, e.entry]))
    const sources = readSources(this.directory)
    const targets = names ?? [...installed.keys()].sort()
    const out: UpdateInfo[] = []
    for (const name of targets) {
      const lock = installed.get(name)
      if (lock === undefined) {
        throw new GrizzlyError(SqlState.undefinedObject, `extension "${name}" is not installed`, { hint: didYouMean(name, [...installed.keys()]) ?? `INSTALL ${name} FROM 'registry' first` })
      }
      const source = sources[name]
      if (source === undefined) { out.push({ name, registry: null, result: 'not_installed_from_registry', previousVersion: lock.version, currentVersion: lock.version }); continue }
      const latest = resolveVersion(source.registry, name, source.range)
      if (compareVersions(latest.version, lock.version) <= 0) {
        out.push({ name, registry: source.registry, result: 'no_update_available', previousVersion: lock.version, currentVersion: lock.version })
        continue
      }
      const done = install(source.registry, name, source.range, this.directory, trustFromPolicy(this.policy))
      // a loaded extension moves to the new version at once
      if (this.loaded.get(name)?.source === 'registry') { this.unload(name); this.load({ kind: 'name', name }) }
      out.push({ name, registry: source.registry, result: 'updated', previousVersion: lock.version, currentVersion: done.version })
    }
    return out
  }

  list(): readonly ExtensionInfo[] {
    const rows = new Map<string, ExtensionInfo>()
    let installed: { name: string; entry: { version: string; publisherKey: string | null } }[] = []
    try { installed = listInstalled(this.directory) } catch { /* no install directory yet */ }
    for (const { name, entry } of installed) {
      rows.set(name, { name, version: entry.version, installed: true, loaded: false, source: 'registry', publisherKey: entry.publisherKey, capabilities: [], limits: null, hooks: [] })
    }
    for (const e of this.loaded.values()) {
      rows.set(e.name, {
        name: e.name, version: e.version, installed: rows.has(e.name), loaded: true, source: e.source, publisherKey: e.publisherKey,
        capabilities: e.capabilities, limits: e.limits, hooks: e.hooks,
      })
    }
    for (const r of this.routineMap.values()) {
      rows.set(r.extension, {
        name: r.extension, version: null, installed: false, loaded: r.sandbox !== null, source: 'sql', publisherKey: null, capabilities: [],
        limits: r.sandbox?.limits ?? null, hooks: [`${r.def.kind}:${r.def.name}`],
      })
    }
    return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  checkModel(path: string, sha256: string): { readonly signedBy: string | null } {
    return checkModelFile(this.policy, path, sha256)
  }

  permissions(name: string): readonly PermissionInfo[] {
    const loaded = this.loaded.get(name)
    let manifest: ExtensionManifest, publisherKey: string | null
    if (loaded !== undefined) ({ manifest, publisherKey } = loaded)
    else ({ manifest, publisherKey } = verifyInstalled(this.directory, name, { trustedKeys: this.policy.trusted_keys, revokedKeys: this.policy.revoked_keys, allowUnsigned: true }))
    const decision = checkLoad(this.policy, manifest, publisherKey)
    const rows: PermissionInfo[] = [{
      kind: 'trust', name: 'publisher_key', requested: publisherKey, granted: decision.allowed ? 'trusted' : `refused (rule ${decision.rule})`, allowed: decision.allowed,
    }]
    const granted = decision.allowed ? new Set(decision.capabilities) : new Set<string>()
    for (const c of manifest.capabilities) rows.push({ kind: 'capability', name: c, requested: c, granted: granted.has(c) ? c : null, allowed: granted.has(c) })
    const effective = decision.allowed ? decision.limits : tighterLimits(manifest.limits, this.policy.default_limits)
    for (const k of ['heapMb', 'cpuMsPerCall', 'wallMsPerStatement'] as const) {
      const asked = manifest.limits[k]
      rows.push({ kind: 'limit', name: k, requested: asked === undefined ? null : String(asked), granted: String(effective[k]), allowed: decision.allowed })
    }
    return rows
  }

  createRoutine(def: RoutineDefinition, orReplace: boolean): void {
    const stored = this.startRoutine(def, orReplace)
    for (const l of this.routineListeners) l({ kind: 'create', def: stored })
  }

  restoreRoutine(def: RoutineDefinition): void {
    try {
      this.startRoutine(def, false)
    } catch (e) {
      if (!(e instanceof GrizzlyError)) throw e
      const extension = routineExtensionName(def.name)
      this.routineMap.set(def.name, { def, sandbox: null, extension })
      registerUnavailableRoutine(this.hooks, def, e, extension)
    }
  }

  /** checks, compiles and registers a routine; returns the definition to store */
  private startRoutine(def: RoutineDefinition, orReplace: boolean): RoutineDefinition {
    if (!this.policy.procedural_languages.includes(def.language)) {
      const known = def.language === 'javascript' || def.language === 'wasm'
      throw new GrizzlyError(SqlState.insufficientPrivilege, known
        ? `the extension policy does not allow functions in LANGUAGE ${def.language} (policy rule procedural_languages)`
        : `unknown procedural language "${def.language}"`, {
        hint: known ? `add "${def.language}" to procedural_languages in the policy` : didYouMean(def.language, ['javascript', 'wasm']) ?? 'use LANGUAGE javascript or LANGUAGE wasm',
      })
    }
    if (!IDENTIFIER.test(def.name)) throw new GrizzlyError(INVALID_FUNCTION_DEFINITION, `function name "${def.name}" must be a lowercase identifier`)
    const existing = this.routineMap.get(def.name)
    if (existing !== undefined && !orReplace) {
      throw new GrizzlyError('42723', `function ${def.name} already exists`, { hint: `use CREATE OR REPLACE ${def.kind === 'aggregate' ? 'AGGREGATE' : 'FUNCTION'} to change it` })
    }
    if (existing === undefined && (this.hooks.scalar(def.name) !== undefined || this.hooks.aggregate(def.name) !== undefined)) {
      throw new GrizzlyError('42723', `function ${def.name} already exists (built in or from an extension)`, { hint: 'pick another name' })
    }
    let stored = def
    if (def.language === 'wasm') {
      const body = def.body.startsWith('file:') ? readWasmFile(def.body.slice(5), def.name) : def.body
      stored = { ...def, body: wasmHex(body, def.name) }
    } else checkJavaScriptBody(def)
    const extension = routineExtensionName(def.name)
    const limits = tighterLimits(ROUTINE_LIMITS, this.policy.default_limits)
    const sandbox = ExtensionSandbox.load({
      name: extension, code: routineScript(stored, extension), limits,
      ...(def.language === 'wasm' ? { wasm: { maxMemoryMb: limits.heapMb } } : {}),
    })
    if (existing !== undefined) this.dropRoutine(def.name, true)
    registerRoutine(this.hooks, sandbox, stored, extension)
    this.routineMap.set(def.name, { def: stored, sandbox, extension })
    return stored
  }

  dropRoutine(name: string, _ifExists: boolean): boolean {
    const r = this.routineMap.get(name)
    if (r === undefined) return false
    this.hooks.unregisterExtension(r.extension)
    r.sandbox?.dispose()
    this.routineMap.delete(name)
    for (const l of this.routineListeners) l({ kind: 'drop', def: r.def })
    return true
  }

  onRoutineChange(listener: (change: { readonly kind: 'create' | 'drop'; readonly def: RoutineDefinition }) => void): () => void {
    this.routineListeners.add(listener)
    return () => { this.routineListeners.delete(listener) }
  }

  routines(): readonly RoutineDefinition[] { return [...this.routineMap.values()].map(r => r.def) }

  meter(): readonly ExtensionMeter[] {
    const out: ExtensionMeter[] = []
    const add = (extension: string, sandbox: ExtensionSandbox): void => {
      let calls = 0, rows = 0, cpuMs = 0, wallMs = 0
      for (const s of sandbox.stats()) { calls += s.calls; rows += s.rows; cpuMs += s.cpuMs; wallMs += s.wallMs }
      out.push({ extension, calls, rows, cpuMs, wallMs, heapBytes: sandbox.heapUsedBytes() })
    }
    for (const e of this.loaded.values()) add(e.name, e.sandbox)
    for (const r of this.routineMap.values()) if (r.sandbox !== null) add(`function ${r.def.name}`, r.sandbox)
    return out
  }

  close(): void {
    for (const name of [...this.loaded.keys()]) this.unload(name)
    // closing is not dropping: listeners (storage) must not log these as DROP FUNCTION
    this.routineListeners.clear()
    for (const name of [...this.routineMap.keys()]) this.dropRoutine(name, true)
  }

  /** The sandbox of a loaded extension (tests, benchmarks). */
  sandboxOf(name: string): ExtensionSandbox | undefined { return this.loaded.get(name)?.sandbox ?? this.routineMap.get(name)?.sandbox ?? undefined }

  // ---- loading ----------------------------------------------------------------------------------

  private prepareInstalled(name: string) {
    const plan = prepareLoad(this.directory, name, this.policy)
    return {
      name: plan.name, version: plan.version, source: 'registry' as const, dir: plan.dir, manifest: plan.manifest, publisherKey: plan.publisherKey,
      script: plan.script, capabilities: plan.capabilities, deniedCapabilities: plan.deniedCapabilities, limits: plan.limits,
    }
  }

  /** LOAD 'dir': a bundle folder, verified and policy-checked exactly like an installed one. */
  private prepareDirectory(path: string) {
    const dir = resolvePath(path)
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new BundleError('io', `cannot load ${path}: no such bundle directory`, 'give the folder that holds manifest.json, index.js and signature (grizzly ext build writes it)')
    }
    const verified = verifyBundle(dir, this.policy.trusted_keys, { revokedKeys: this.policy.revoked_keys, allowUnsigned: this.policy.allow_unsigned })
    const manifest = verified.manifest
    if (!satisfies(ENGINE_API_VERSION, parseRange(manifest.engine))) {
      throw new BundleError('engine_mismatch', `extension "${manifest.name}" ${manifest.version} needs engine API ${manifest.engine}, this engine has ${ENGINE_API_VERSION}`, 'use a version built for this engine')
    }
    const decision = checkLoad(this.policy, manifest, verified.publisherKey)
    if (!decision.allowed) throw new BundleError('denied_by_policy', `${decision.message} (policy rule ${decision.rule})`)
    const bytes = readFileSync(join(dir, ENTRY_FILE))
    if (sha256Hex(bytes) !== manifest.files[ENTRY_FILE]) throw new BundleError('digest_mismatch', `bundle file ${ENTRY_FILE} changed after verification`)
    return {
      name: manifest.name, version: manifest.version, source: 'path' as const, dir, manifest, publisherKey: verified.publisherKey,
      script: bytes.toString('utf8'), capabilities: decision.capabilities, deniedCapabilities: decision.deniedCapabilities, limits: decision.limits,
    }
  }
}

function readWasmFile(path: string, name: string): Uint8Array {
  try {
    return readFileSync(isAbsolute(path) ? path : resolvePath(path))
  } catch (e) {
    throw new GrizzlyError('58P01', `cannot read the module of function ${name} from ${path}: ${(e as Error).message}`, { hint: 'give the path of a .wasm file' })
  }
}

/**
 * A routine's hooks. Unlike an extension, a routine that failed is reloaded before its next
 * statement: the failure is the SQL author's, and the isolate is cheap to make again.
 */
function registerRoutine(hooks: Hooks, sandbox: ExtensionSandbox, def: RoutineDefinition, extension: string): void {
  const origin = { extension }
  const who = `function ${def.name} (LANGUAGE ${def.language})`
  const healthy = (): void => { if (sandbox.quarantined !== null) sandbox.reload() }
  const rename = (e: unknown): unknown => {
    if (!(e instanceof GrizzlyError)) return e
    const inner = `function ${def.name} of extension "${extension}"`
    return new GrizzlyError(e.code, e.message.replace(inner, who).replace(`extension "${extension}"`, who), { hint: e.code === '38000' ? 'fix the function body with CREATE OR REPLACE FUNCTION' : e.hint, cause: e })
  }
  if (def.kind === 'scalar') {
    const spec = sandbox.scalars[0]!
    const scalar: ScalarFunctionDef = {
      name: def.name, description: `${def.language} function`, nulls: 'propagate', volatility: 'volatile',
      overloads: [{
        args: spec.args.map(logicalTypeOf), returns: logicalTypeOf(spec.returns),
        invoke: (args, count, ctx) => {
          healthy()
          try { return sandbox.callScalar(spec, args, count, ctx.statementTime) } catch (e) { throw rename(e) }
        },
      }],
    }
    hooks.registerScalar(scalar, origin)
    return
  }
  const spec = sandbox.aggregates[0]!
  const aggregate: AggregateFunctionDef = {
    name: def.name, description: `${def.language} aggregate`, nulls: 'skip',
    overloads: [{
      args: spec.args.map(logicalTypeOf), returns: logicalTypeOf(spec.returns),
      createState: ctx => {
        healthy()
        return new RenamingAggregateState(sandbox.createAggregateState(spec, ctx.statementTime), rename)
      },
    }],
  }
  hooks.registerAggregate(aggregate, origin)
}

/** A routine's aggregate state: the sandbox's, with failures named after the SQL function. */
class RenamingAggregateState implements AggregateState {
  constructor(readonly inner: AggregateState, private readonly rename: (e: unknown) => unknown) {}
  private guard<T>(work: () => T): T {
    try { return work() } catch (e) { throw this.rename(e) }
  }
  resize(groups: number): void { this.guard(() => this.inner.resize(groups)) }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void { this.guard(() => this.inner.update(args, groupIds, count)) }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    this.guard(() => this.inner.combine(other instanceof RenamingAggregateState ? other.inner : other, src, dst, count))
  }
  finalize(groups: number): Vector { return this.guard(() => this.inner.finalize(groups)) }
}

/** grizzly_extensions(): every installed or loaded extension and every procedural function. */
function registerCatalogFunctions(hooks: Hooks, host: SandboxExtensionHost): void {
  const columns: { name: string; type: LogicalType }[] = [
    { name: 'extension_name', type: VARCHAR }, { name: 'extension_version', type: VARCHAR },
    { name: 'installed', type: BOOLEAN }, { name: 'loaded', type: BOOLEAN }, { name: 'source', type: VARCHAR },
    { name: 'publisher_key', type: VARCHAR }, { name: 'capabilities', type: list(VARCHAR) },
    { name: 'heap_mb', type: BIGINT }, { name: 'cpu_ms_per_call', type: BIGINT }, { name: 'wall_ms_per_statement', type: BIGINT },
    { name: 'hooks', type: list(VARCHAR) },
  ]
  hooks.registerTableFunction({
    name: 'grizzly_extensions',
    description: 'installed and loaded extensions, and procedural functions',
    bind(call) {
      if (call.positional.length > 0 || call.named.size > 0) {
        throw new GrizzlyError(SqlState.undefinedFunction, 'grizzly_extensions() takes no arguments', { hint: 'call grizzly_extensions()' })
      }
      return {
        columns,
        scan(wanted) {
          const infos = host.list()
          const values: unknown[][] = infos.map(i => [
            i.name, i.version, i.installed, i.loaded, i.source, i.publisherKey, [...i.capabilities],
            i.limits === null ? null : BigInt(i.limits.heapMb), i.limits === null ? null : BigInt(i.limits.cpuMsPerCall),
            i.limits === null ? null : BigInt(i.limits.wallMsPerStatement), [...i.hooks],
          ])
          const vectors = columns.map((c, k) => vectorFromValues(c.type, wanted.includes(k) ? values.map(r => r[k] as never) : values.map(() => null)))
          return [new DataChunk(vectors, values.length)]
        },
      }
    },
  })
}
