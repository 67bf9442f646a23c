// Code help from the kernel: completion (complete_request) and inspection (inspect_request), both silent.
// PLACEHOLDER: to be implemented (issue #23).
import type { Kernel } from '@jupyterlab/services';
import type { KernelCompletion, KernelInspection } from '../../preload/contract.ts';

export async function complete(_conn: Kernel.IKernelConnection, _code: string, _cursor: number): Promise<KernelCompletion> {
  throw new Error('completion is not built yet');
}

export async function inspect(_conn: Kernel.IKernelConnection, _code: string, _cursor: number, _detail: 0 | 1): Promise<KernelInspection> {
  throw new Error('inspection is not built yet');
}
