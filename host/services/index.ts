/**
 * The first-party capability services the package entry hands every host (sandbox/services.ts):
 * each answers only extensions whose policy granted its capability. Add a service here as
 * `host/services/<name>.ts` exporting a CapabilityService.
 */
import type { CapabilityService } from '../../sandbox/services.ts'
import { hnswService } from './hnsw.ts'
import { onnxService } from './onnx.ts'

export function firstPartyServices(): CapabilityService[] {
  return [hnswService, onnxService]
}
