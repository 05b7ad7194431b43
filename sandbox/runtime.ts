/**
 * The glue that runs inside every extension isolate, as JavaScript source. It is evaluated
 * before the extension's code, so it captures pristine intrinsics (Int32Array, JSON, …) that the
 * extension cannot patch afterwards, and it hands the host three functions on
 * `globalThis.__grizzlyRuntime`: configure, load, setArena, describe and callScalar (see sandbox/arena.ts for the
 * arena layout). The host takes references to them once; reassigning the global later changes
 * nothing. Everything it writes back is validated again on the host side.
 */
import { ARENA, TYPE_CODES } from './arena.ts'

export const RUNTIME_SOURCE = `(function () {
'use strict';
const G = globalThis;
const I32 = Int32Array, U8 = Uint8Array, F64 = Float64Array, F32 = Float32Array, B64 = BigInt64Array;
const apply = Reflect.apply, regexExec = RegExp.prototype.exec, NESTED_TYPE = /^(FLOAT|DOUBLE)\\[([0-9]*)\\]$/;
const stringify = JSON.stringify, isArray = Array.isArray, freeze = Object.freeze;
const ErrorCtor = Error, StringCtor = String, indirectEval = eval;
const TYPE_NAMES = ${JSON.stringify(Object.keys(TYPE_CODES))};
const HEADER_INTS = ${ARENA.headerInts}, ARG_BASE = ${ARENA.argBase}, ARG_STRIDE = ${ARENA.argStride};
const OUT_OFFSET = ${ARENA.outOffset}, OUT_CAPACITY = ${ARENA.outCapacity};
const OUT_HAS_VALIDITY = ${ARENA.outHasValidity}, OUT_BYTES = ${ARENA.outBytes}, OUT_OFFSETS_ARG = ${ARENA.outOffsetsArg};
const packStrings = G.stringColumn, isInteger = Number.isInteger, isSafeInteger = Number.isSafeInteger, BigIntCtor = BigInt;
let arena = null, header = null;
// the capability-service bridge (sandbox/services.ts): a plain host function, kept only here
const bridge = G.__grizzlyBridge;
delete G.__grizzlyBridge;
let aggregates = [];
const aggregateStates = new Map();
let scalars = [];
let pending = null;

function fail(message) { throw new Malformed(message); }
function Malformed(message) { this.message = message; }

/**
 * Failures go back to the host as a plain string, never as a thrown object: copying an
 * extension's error out of the isolate would run its getters outside the time limit.
 */
function describeThrown(e) {
  try {
    if (e instanceof Malformed) return 'malformed output: ' + e.message;
    if (e === null || (typeof e !== 'object' && typeof e !== 'function')) return 'threw ' + StringCtor(e);
    if (e instanceof ErrorCtor) {
      const name = e.name, message = e.message;
      // the SDK's InvalidInputError: the data is wrong, not the extension (no quarantine)
      if (name === 'InvalidInputError') return 'invalid input: ' + (typeof message === 'string' ? message : '(no message)');
      return 'threw ' + (typeof name === 'string' ? name : 'Error') + ': ' + (typeof message === 'string' ? message : '(no message)');
    }
    return 'threw a non-Error object: ' + StringCtor(e);
  } catch (inner) {
    return 'threw something whose message could not be read';
  }
}
function clip(s) { return s.length > 1000 ? s.slice(0, 1000) + '…' : s; }

/**
 * WebAssembly.Memory is not charged to the isolate's heap limit, so WASM is removed unless the
 * host allows it, and then every memory must declare a maximum within the cap: memories made
 * from JS through Memory, memories a module defines through its memory section. Only the
 * synchronous Module/Instance path is kept (async instantiation may never settle in an isolate).
 */
function configure(allowWasm, maxPages) {
  const W = G.WebAssembly;
  if (!allowWasm || !W) { delete G.WebAssembly; return; }
  const RealModule = W.Module, RealMemory = W.Memory, TypeErrorCtor = TypeError, RangeErrorCtor = RangeError;
  function leb(b, pos) {
    let result = 0, scale = 1, byte;
    do {
      byte = b[pos.i++];
      if (byte === undefined) throw new TypeErrorCtor('WebAssembly module is truncated');
      result += (byte & 0x7f) * scale; scale *= 128;
    } while (byte & 0x80);
    return result;
  }
  function checkLimits(flags, max) {
    if (flags & 4) throw new RangeErrorCtor('64-bit WebAssembly memories are not allowed in this sandbox');
    if (max === undefined || max > maxPages) throw new RangeErrorCtor('WebAssembly memory needs a maximum of at most ' + maxPages + ' pages in this sandbox');
  }
  function Module(bytes) {
    if (new.target === undefined) throw new TypeErrorCtor('WebAssembly.Module must be called with new');
    const b = bytes instanceof ArrayBuffer ? new U8(bytes.slice(0)) : new U8(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const pos = { i: 8 };
    while (pos.i < b.length) {
      const id = b[pos.i++], size = leb(b, pos), end = pos.i + size;
      if (id === 5) {
        const count = leb(b, pos);
        for (let k = 0; k < count; k++) {
          const flags = b[pos.i++]; leb(b, pos);
          checkLimits(flags, flags & 1 ? leb(b, pos) : undefined);
        }
      }
      pos.i = end;
    }
    return new RealModule(b);
  }
  Module.prototype = RealModule.prototype;
  Module.exports = RealModule.exports; Module.imports = RealModule.imports; Module.customSections = RealModule.customSections;
  function Memory(descriptor) {
    if (new.target === undefined) throw new TypeErrorCtor('WebAssembly.Memory must be called with new');
    // read once: a getter must not show one maximum to the check and another to V8
    const initial = descriptor.initial, maximum = descriptor.maximum, shared = descriptor.shared;
    checkLimits(0, typeof maximum === 'number' ? maximum : undefined);
    return new RealMemory({ initial: initial, maximum: maximum, shared: shared === true });
  }
  Memory.prototype = RealMemory.prototype;
  delete RealModule.prototype.constructor;
  delete RealMemory.prototype.constructor;
  const safe = { Module: Module, Instance: W.Instance, Memory: Memory, Table: W.Table, Global: W.Global, validate: W.validate,
    CompileError: W.CompileError, LinkError: W.LinkError, RuntimeError: W.RuntimeError };
  Object.defineProperty(G, 'WebAssembly', { value: freeze(safe), writable: false, configurable: false, enumerable: false });
}

function load(code, filename) {
  try { indirectEval(code + '\\n//# sourceURL=' + filename); return ''; }
  catch (e) { return clip(describeThrown(e)); }
}
function align8(n) { return (n + 7) & ~7; }

/** the argument whose string offsets \`offsets\` is (the very view the runtime made), else -1 */
function inputOffsets(inputs, offsets) {
  if (!inputs) return -1;
  for (let k = 0; k < inputs.length; k++) if (inputs[k].type === 'VARCHAR' && inputs[k].values.offsets === offsets) return k;
  return -1;
}

function setArena(sab) {
  arena = sab; header = new I32(sab, 0, HEADER_INTS);
  if (pending === null) return 0;
  const p = pending; pending = null;
  try { return write(p.spec, p.out, p.n, header[OUT_OFFSET], header[OUT_CAPACITY]); }
  catch (e) { return clip(describeThrown(e)); }
}

function describe() {
  try { return describeDefinition(); }
  catch (e) { return stringify({ defined: false, error: clip(describeThrown(e)) }); }
}

function describeDefinition() {
  const def = G.__grizzlyExtension;
  if (def === null || typeof def !== 'object') return stringify({ defined: false });
  const list = isArray(def.scalars) ? def.scalars : [];
  const aggs = isArray(def.aggregates) ? def.aggregates : [];
  scalars = [];
  const out = { defined: true, name: StringCtor(def.name), version: StringCtor(def.version), scalars: [], aggregates: [], formats: [] };
  const formats = isArray(def.formats) ? def.formats : [];
  for (let i = 0; i < formats.length; i++) {
    const f = formats[i];
    out.formats.push({ name: f ? StringCtor(f.name) : '', extensions: isArray(f && f.extensions) ? f.extensions.map(StringCtor) : [],
      columns: isArray(f && f.columns) ? f.columns.map(c => ({ name: StringCtor(c && c.name), type: StringCtor(c && c.type) })) : [] });
  }
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    const args = isArray(s && s.args) ? s.args.map(StringCtor) : null;
    const spec = { invoke: s ? s.invoke : undefined, returns: s ? StringCtor(s.returns) : '', shape: null };
    spec.shape = nestedShape(spec.returns);
    scalars.push(spec);
    out.scalars.push({ name: s ? StringCtor(s.name) : '', args, returns: spec.returns,
      volatility: s && s.volatility !== undefined ? StringCtor(s.volatility) : null,
      invocable: typeof spec.invoke === 'function' });
  }
  aggregates = [];
  for (let i = 0; i < aggs.length; i++) {
    const a = aggs[i];
    aggregates.push({ shape: null, init: a ? a.init : undefined, update: a ? a.update : undefined, combine: a ? a.combine : undefined,
      finalize: a ? a.finalize : undefined, returns: a ? StringCtor(a.returns) : '' });
    out.aggregates.push({ name: a ? StringCtor(a.name) : '', args: isArray(a && a.args) ? a.args.map(StringCtor) : null,
      returns: a ? StringCtor(a.returns) : '',
      invocable: !!a && typeof a.init === 'function' && typeof a.update === 'function' && typeof a.combine === 'function' && typeof a.finalize === 'function' });
  }
  return stringify(out);
}

/** FLOAT[n] / DOUBLE[n] (size n) and FLOAT[] / DOUBLE[] (size -1); null for flat types. */
function nestedShape(t) {
  const m = apply(regexExec, NESTED_TYPE, [t]);
  return m === null ? null : { element: m[1], size: m[2] === '' ? -1 : +m[2] };
}

/** An array or list argument: one flat typed array of elements (see sandbox/numeric.ts). */
function nestedColumn(code, base, n, validity) {
  const valuesOff = header[base + 1], third = header[base + 3], elementValidityOff = header[base + 4], elements = header[base + 5];
  const isFloat = code === 6 || code === 8, element = isFloat ? 'FLOAT' : 'DOUBLE';
  const values = isFloat ? new F32(arena, valuesOff, elements) : new F64(arena, valuesOff, elements);
  const elementValidity = elementValidityOff < 0 ? null : new U8(arena, elementValidityOff, elements);
  if (code <= 7) return freeze({ type: element + '[' + third + ']', length: n, size: third, values: values, validity: validity, elementValidity: elementValidity });
  return freeze({ type: element + '[]', length: n, values: values, offsets: new I32(arena, third, n + 1), validity: validity, elementValidity: elementValidity });
}

function column(k, n) {
  const base = ARG_BASE + k * ARG_STRIDE;
  const code = header[base], valuesOff = header[base + 1], validityOff = header[base + 2];
  const validity = validityOff < 0 ? null : new U8(arena, validityOff, n);
  let values;
  switch (code) {
    case 0: values = new U8(arena, valuesOff, n); break;
    case 1: values = new I32(arena, valuesOff, n); break;
    case 2: values = new B64(arena, valuesOff, n); break;
    case 3: values = new F64(arena, valuesOff, n); break;
    case 4: values = freeze({ bytes: new U8(arena, header[base + 4], header[base + 5]), offsets: new I32(arena, header[base + 3], n + 1) }); break;
    case 5: values = new F32(arena, valuesOff, n); break;
    case 6: case 7: case 8: case 9: return nestedColumn(code, base, n, validity);
    default: throw new ErrorCtor('unknown argument type code ' + code);
  }
  return freeze({ type: TYPE_NAMES[code], length: n, values: values, validity: validity });
}

/** 0 when the result is in the arena, the bytes the output area needs, or a failure message. */
function callScalar(index, n, nargs) {
  pending = null;
  try {
    const spec = scalars[index];
    // read before the extension runs: it can reach the header through its argument views
    const outOff = header[OUT_OFFSET], cap = header[OUT_CAPACITY];
    const cols = [];
    for (let k = 0; k < nargs; k++) cols.push(column(k, n));
    const out = spec.invoke(freeze(cols), n);
    return write(spec, out, n, outOff, cap, cols);
  } catch (e) {
    return clip(describeThrown(e));
  }
}

/** \`inputs\`: the call's argument columns, whose string offsets a result may hand back as they are */
function write(spec, out, n, outOff, cap, inputs) {
  if (out === null || typeof out !== 'object') fail('invoke returned ' + (out === null ? 'null' : typeof out) + ', not a Column');
  if (out.type !== spec.returns) fail('result type ' + stringify(out.type) + ' where ' + spec.returns + ' was declared');
  if (out.length !== n) fail('result length ' + stringify(out.length) + ' for a batch of ' + n + ' rows');
  const validity = out.validity, values = out.values;
  if (validity !== null && validity !== undefined && !(validity instanceof U8 && validity.length === n)) fail('validity must be null or a Uint8Array of ' + n + ' bytes');
  const validityBytes = validity ? align8(n) : 0;
  if (spec.shape !== null) return writeNested(spec, out, n, outOff, cap, validity, validityBytes);
  let needed, view = null, width = 0, passOffsets = -1;
  switch (spec.returns) {
    case 'BOOLEAN': if (!(values instanceof U8)) fail('BOOLEAN values must be a Uint8Array'); width = 1; break;
    case 'INTEGER': if (!(values instanceof I32)) fail('INTEGER values must be an Int32Array'); width = 4; break;
    case 'BIGINT': if (!(values instanceof B64)) fail('BIGINT values must be a BigInt64Array'); width = 8; break;
    case 'DOUBLE': if (!(values instanceof F64)) fail('DOUBLE values must be a Float64Array'); width = 8; break;
    case 'FLOAT': if (!(values instanceof F32)) fail('FLOAT values must be a Float32Array'); width = 4; break;
    case 'VARCHAR': break;
    default: fail('unknown result type');
  }
  if (width !== 0) {
    if (values.length !== n) fail('values hold ' + values.length + ' entries for a batch of ' + n + ' rows');
    needed = validityBytes + align8(n * width);
  } else {
    if (values === null || typeof values !== 'object' || !(values.bytes instanceof U8) || !(values.offsets instanceof I32)) fail('VARCHAR values must be { bytes: Uint8Array, offsets: Int32Array }');
    const offsets = values.offsets, bytes = values.bytes;
    if (offsets.length !== n + 1) fail('VARCHAR offsets hold ' + offsets.length + ' entries, not ' + (n + 1));
    const first = offsets[0], last = offsets[n];
    if (first < 0 || last > bytes.length || last < first) fail('VARCHAR offsets point outside the bytes');
    passOffsets = first === 0 ? inputOffsets(inputs, offsets) : -1;
    // offsets handed back from an argument are checked by the host, which reads them where it wrote them
    if (passOffsets < 0) for (let i = 0; i < n; i++) if (offsets[i + 1] < offsets[i]) fail('VARCHAR offsets decrease at row ' + i);
    needed = validityBytes + align8((n + 1) * 4) + (last - first);
  }
  if (needed > cap) { pending = { spec: spec, out: out, n: n }; return needed; }
  header[OUT_OFFSETS_ARG] = passOffsets;
  header[OUT_HAS_VALIDITY] = validity ? 1 : 0;
  if (validity) new U8(arena, outOff, n).set(validity);
  const at = outOff + validityBytes;
  if (width !== 0) {
    switch (width) {
      case 1: view = new U8(arena, at, n); break;
      case 4: view = spec.returns === 'FLOAT' ? new F32(arena, at, n) : new I32(arena, at, n); break;
      default: view = spec.returns === 'BIGINT' ? new B64(arena, at, n) : new F64(arena, at, n);
    }
    view.set(values);
    header[OUT_BYTES] = 0;
  } else {
    const offsets = values.offsets, first = offsets[0], last = offsets[n];
    if (passOffsets < 0) {
      const o = new I32(arena, at, n + 1);
      for (let i = 0; i <= n; i++) o[i] = offsets[i] - first;
    }
    new U8(arena, at + align8((n + 1) * 4), last - first).set(values.bytes.subarray(first, last));
    header[OUT_BYTES] = last - first;
  }
  return 0;
}

function writeNested(spec, out, n, outOff, cap, validity, validityBytes) {
  const shape = spec.shape, isFloat = shape.element === 'FLOAT', width = isFloat ? 4 : 8, values = out.values;
  if (!(values instanceof (isFloat ? F32 : F64))) fail(spec.returns + ' values must be a ' + (isFloat ? 'Float32Array' : 'Float64Array'));
  let needed, first = 0, last, offsets = null;
  if (shape.size >= 0) {
    last = n * shape.size;
    if (values.length !== last) fail(spec.returns + ' values hold ' + values.length + ' elements for ' + n + ' rows of ' + shape.size);
    needed = validityBytes + align8(last * width);
  } else {
    offsets = out.offsets;
    if (!(offsets instanceof I32) || offsets.length !== n + 1) fail(spec.returns + ' offsets must be an Int32Array of ' + (n + 1) + ' entries');
    first = offsets[0]; last = offsets[n];
    if (first < 0 || last > values.length || last < first) fail('list offsets point outside the values');
    for (let i = 0; i < n; i++) if (offsets[i + 1] < offsets[i]) fail('list offsets decrease at row ' + i);
    needed = validityBytes + align8((n + 1) * 4) + align8((last - first) * width);
  }
  if (needed > cap) { pending = { spec: spec, out: out, n: n }; return needed; }
  header[OUT_HAS_VALIDITY] = validity ? 1 : 0;
  if (validity) new U8(arena, outOff, n).set(validity);
  let at = outOff + validityBytes;
  if (offsets !== null) {
    const o = new I32(arena, at, n + 1);
    for (let i = 0; i <= n; i++) o[i] = offsets[i] - first;
    at += align8((n + 1) * 4);
  }
  (isFloat ? new F32(arena, at, last - first) : new F64(arena, at, last - first)).set(values.subarray(first, last));
  header[OUT_BYTES] = last - first;
  return 0;
}

/**
 * Grouped aggregate states live here, per host state id: an array of per-group states.
 * op 0 update (a = rows, b = argument count; the group ids are one more INTEGER argument),
 * op 1 combine (a = other state id, b = pairs; src and dst are two INTEGER arguments),
 * op 2 finalize (a = groups), op 3 free.
 */
function aggregate(op, index, id, a, b) {
  pending = null;
  try {
    const spec = aggregates[index];
    let groups = aggregateStates.get(id);
    if (groups === undefined) { groups = []; aggregateStates.set(id, groups); }
    const outOff = header[OUT_OFFSET], cap = header[OUT_CAPACITY];
    switch (op) {
      case 0: {
        const n = a, cols = [];
        for (let k = 0; k < b; k++) cols.push(column(k, n));
        const frozen = freeze(cols), ids = column(b, n).values;
        for (let i = 0; i < n; i++) {
          const g = ids[i];
          const state = groups[g] === undefined ? spec.init() : groups[g];
          groups[g] = spec.update(state, frozen, i);
        }
        return 0;
      }
      case 1: {
        const other = aggregateStates.get(a) || [], src = column(0, b).values, dst = column(1, b).values;
        for (let k = 0; k < b; k++) {
          const s = other[src[k]] === undefined ? spec.init() : other[src[k]];
          const d = groups[dst[k]] === undefined ? spec.init() : groups[dst[k]];
          groups[dst[k]] = spec.combine(d, s);
        }
        return 0;
      }
      case 2: {
        const n = a, results = [];
        const validity = new U8(n);
        for (let g = 0; g < n; g++) {
          const r = spec.finalize(groups[g] === undefined ? spec.init() : groups[g]);
          results.push(r);
          validity[g] = r === null || r === undefined ? 0 : 1;
        }
        return write(spec, finalColumn(spec.returns, results, validity, n), n, outOff, cap);
      }
      case 3: aggregateStates.delete(id); return 0;
      default: return 'unknown aggregate operation';
    }
  } catch (e) {
    return clip(describeThrown(e));
  }
}

function finalColumn(type, results, validity, n) {
  let values;
  switch (type) {
    case 'VARCHAR': {
      const strings = [];
      for (let g = 0; g < n; g++) {
        const r = results[g];
        if (validity[g] === 1 && typeof r !== 'string') fail('finalize returned ' + typeof r + ' for a VARCHAR aggregate');
        strings.push(validity[g] === 1 ? r : null);
      }
      values = packStrings(strings).values;
      break;
    }
    case 'BOOLEAN': values = new U8(n); break;
    case 'INTEGER': values = new I32(n); break;
    case 'BIGINT': values = new B64(n); break;
    case 'DOUBLE': values = new F64(n); break;
    case 'FLOAT': values = new F32(n); break;
    default: fail('unknown result type');
  }
  if (type !== 'VARCHAR') {
    for (let g = 0; g < n; g++) {
      if (validity[g] === 0) continue;
      const r = results[g];
      if (type === 'BOOLEAN') { if (typeof r !== 'boolean') fail('finalize returned ' + typeof r + ' for a BOOLEAN aggregate'); values[g] = r ? 1 : 0; }
      else if (type === 'DOUBLE' || type === 'FLOAT') { if (typeof r !== 'number') fail('finalize returned ' + typeof r + ' for a ' + type + ' aggregate'); values[g] = r; }
      else if (type === 'INTEGER') {
        if (typeof r !== 'number' || !isInteger(r) || r < -2147483648 || r > 2147483647) fail('finalize returned ' + StringCtor(r) + ' for an INTEGER aggregate');
        values[g] = r;
      } else {
        if (typeof r === 'bigint') values[g] = r;
        else if (typeof r === 'number' && isSafeInteger(r)) values[g] = BigIntCtor(r);
        else fail('finalize returned ' + StringCtor(r) + ' for a BIGINT aggregate');
      }
    }
  }
  return { type: type, length: n, values: values, validity: validity };
}

/** services.call in the SDK lands here; the host checks the grant, the arguments and the result. */
function callService(service, method, args) {
  if (typeof bridge !== 'function') throw new ErrorCtor('capability services are not available in this sandbox');
  const reply = bridge(service, method, args);
  if (reply[0] === 0) return reply[1];
  throw new ErrorCtor(StringCtor(reply[1]));
}
Object.defineProperty(G, '__grizzlyServices', { value: freeze({ call: callService }), writable: false, configurable: false, enumerable: false });

G.__grizzlyRuntime = freeze({ aggregate: aggregate, configure: configure, load: load, setArena: setArena, describe: describe, callScalar: callScalar });
})();`
