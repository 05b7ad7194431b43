import type { WindowNode } from '../../plan/logical.ts'
import { notSupported } from '../../errors.ts'
import type { DataChunk } from '../../vector/vector.ts'
import { type Frame, Operator } from '../operator.ts'
export class WindowOperator extends Operator {
  readonly name = 'WINDOW'
  constructor(input: Operator, node: WindowNode, frame: Frame) { super(frame); this.children.push(input); void node }
  protected pull(): DataChunk | null { throw notSupported('window') }
}
