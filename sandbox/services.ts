/**
 * Capability services (DESIGN §6): heavy native work (ONNX inference, HNSW indexes) runs in the
 * host, and a sandboxed extension reaches it only through a narrow synchronous bridge, and only
 * for the capabilities its policy granted. The isolate gets one plain function (an isolated-vm
 * Callback, never a Reference, which would let it walk host objects); every argument and result
 * is copied and checked against `ServiceValue` on the host side.
 */
import { GrizzlyError, SqlState, didYouMean } from '../core/errors.ts'
import type { Hooks } from '../core/hooks/registry.ts'
import type { ServiceValue } from '../sdk/index.ts'
import { EXTERNAL_ROUTINE_EXCEPTION } from './arena.ts'

export type { ServiceValue } from '../sdk/index.ts'

export interface CapabilityService {
  /** the capability that grants it: 'hnsw', 'onnx' */
  readonly name: string
  /**
   * hooks the service contributes while an extension that was granted it is loaded (index types,
   * functions, table functions, settings) — registered with origin { extension: <name> } and
   * removed on UNLOAD; returns the hook names it added (for grizzly_extensions())
   */
  register?(hooks: Hooks, extension: string): string[]
  /** batch-level methods the sandboxed code may call through the bridge */
  readonly methods?: Readonly<Record<string, (...args: ServiceValue[]) => ServiceValue>>
}

/** Deepest nesting of arrays/objects that may cross; deeper is refused rather than walked. */
const MAX_DEPTH = 16

const TYPED_ARRAYS = [Uint8Array, Int32Array, Float32Array, Float64Array, BigInt64Array] as const

/** Why `v` is not a ServiceValue, or null when it is one. */
export function serviceValueProblem(v: unknown, depth = 0): string | null {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return null
  if (typeof v !== 'object') return `a ${typeof v}`
  if (TYPED_ARRAYS.some(c => v instanceof c)) return null
  if (depth >= MAX_DEPTH) return `nesting deeper than ${MAX_DEPTH} levels`
  if (Array.isArray(v)) {
    for (const x of v) { const p = serviceValueProblem(x, depth + 1); if (p !== null) return p }
    return null
  }
  const proto = Object.getPrototypeOf(v)
  if (proto !== Object.prototype && proto !== null) return `a ${(v as object).constructor?.name ?? 'non-plain'} object`
  for (const k of Object.keys(v)) { const p = serviceValueProblem((v as Record<string, unknown>)[k], depth + 1); if (p !== null) return p }
  return null
}

/** Checks services handed to a host: named, methods are functions, no name twice. */
export function checkServices(list: unknown): ReadonlyMap<string, CapabilityService> {
  const bad = (what: string): GrizzlyError => new GrizzlyError(SqlState.invalidParameterValue, `services option: ${what}`,
    { hint: 'pass an array of { name, register?, methods? } objects, one per capability' })
  if (list === undefined || list === null) return new Map()
  if (!Array.isArray(list)) throw bad('must be an array')
  const out = new Map<string, CapabilityService>()
  for (const s of list as unknown[]) {
    if (s === null || typeof s !== 'object' || typeof (s as CapabilityService).name !== 'string' || (s as CapabilityService).name === '') throw bad('every service needs a name')
    const svc = s as CapabilityService
    if (out.has(svc.name)) throw bad(`two services are named "${svc.name}"`)
    if (svc.register !== undefined && typeof svc.register !== 'function') throw bad(`service "${svc.name}": register must be a function`)
    for (const [m, f] of Object.entries(svc.methods ?? {})) if (typeof f !== 'function') throw bad(`service "${svc.name}": method ${m} is not a function`)
    out.set(svc.name, svc)
  }
  return out
}

/** What the isolate gets back from one bridge call: [0, result] or [1, message]. */
export type BridgeReply = readonly [0, ServiceValue] | readonly [1, string]

/**
 * The host side of the bridge for one extension. `granted` holds only the services whose
 * capability the policy granted. A failure is kept in `failure` (the sandbox fails the
 * statement with it even if the extension catches the error it sees) and reported to the
 * isolate as text.
 */
export class ServiceBridge {
  failure: GrizzlyError | null = null
  /**
   * When the current call must end (performance.now() ms). isolated-vm's timeout does not run
   * while the host is inside a service, so the bridge checks it: a service cannot be stopped
   * midway, but a call that ran past it fails the statement (57014).
   */
  deadline = Number.POSITIVE_INFINITY
  limitMs = 0
  constructor(private readonly extension: string, private readonly granted: ReadonlyMap<string, CapabilityService>) {}

  /** Takes the failure of the last call, if any. */
  takeFailure(): GrizzlyError | null {
    const f = this.failure
    this.failure = null
    return f
  }

  call(service: unknown, method: unknown, args: unknown): BridgeReply {
    try {
      if (performance.now() > this.deadline) throw this.late(service, method)
      const result = this.dispatch(service, method, args)
      if (performance.now() > this.deadline) throw this.late(service, method)
      return [0, result]
    } catch (e) {
      const err = e instanceof GrizzlyError ? e
        : new GrizzlyError(EXTERNAL_ROUTINE_EXCEPTION, `service "${String(service)}" failed in ${String(method)}, called by extension "${this.extension}": ${messageOf(e)}`, { cause: e })
      this.failure ??= err
      return [1, err.message]
    }
  }

  private late(service: unknown, method: unknown): GrizzlyError {
    return new GrizzlyError(SqlState.queryCanceled,
      `ran longer than its limit (${this.limitMs} ms per call) while calling service "${String(service)}" (${String(method)})`,
      { hint: 'pass smaller batches to the service, or ask for a larger cpuMsPerCall in the manifest' })
  }

  private dispatch(service: unknown, method: unknown, args: unknown): ServiceValue {
    if (typeof service !== 'string' || typeof method !== 'string' || !Array.isArray(args)) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `extension "${this.extension}" called a service with malformed arguments`,
        { hint: "call services.call('service', 'method', ...args)" })
    }
    const svc = this.granted.get(service)
    if (svc === undefined) {
      throw new GrizzlyError(SqlState.insufficientPrivilege,
        `extension "${this.extension}" may not call the service "${service}": the policy did not grant it the capability "${service}"`,
        { hint: `list "${service}" in the manifest's capabilities and grant it in the policy (extensions.${this.extension}.capabilities)` })
    }
    const methods = svc.methods ?? {}
    const fn = Object.prototype.hasOwnProperty.call(methods, method) ? methods[method] : undefined
    if (fn === undefined) {
      throw new GrizzlyError(SqlState.undefinedFunction, `service "${service}" has no method "${method}" (called by extension "${this.extension}")`,
        { hint: didYouMean(method, Object.keys(methods)) ?? `its methods: ${Object.keys(methods).join(', ') || 'none'}` })
    }
    const problem = serviceValueProblem(args)
    if (problem !== null) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `extension "${this.extension}" passed ${problem} to ${service}.${method}`,
        { hint: 'pass numbers, strings, booleans, null, typed arrays, and arrays or plain objects of them' })
    }
    let result: unknown
    try {
      result = fn(...(args as ServiceValue[]))
    } catch (e) {
      const what = `service "${service}" failed in ${method}, called by extension "${this.extension}": `
      if (e instanceof GrizzlyError) throw new GrizzlyError(e.code, what + e.message, { hint: e.hint, cause: e })
      throw new GrizzlyError(EXTERNAL_ROUTINE_EXCEPTION, what + messageOf(e), { cause: e })
    }
    if (result === undefined) return null
    const bad = serviceValueProblem(result)
    if (bad !== null) {
      throw new GrizzlyError(EXTERNAL_ROUTINE_EXCEPTION, `service "${service}" returned ${bad} from ${method}, which cannot cross into the sandbox`)
    }
    return result as ServiceValue
  }
}

function messageOf(e: unknown): string {
  try { return e instanceof Error ? e.message : String(e) } catch { return 'an unprintable value was thrown' }
}
