// Comm messages between kernels and the UI (ipywidgets). PLACEHOLDER: to be implemented (issue #23).
import type { Kernel } from '@jupyterlab/services';
import type { Emit } from './kernel-service.ts';

export class KernelComms {
  constructor(private readonly emit: Emit) {}

  /** Forwards the kernel's comm traffic as `kernel.comm` events. */
  attach(_kernelId: string, _conn: Kernel.IKernelConnection): void {}

  send(_conn: Kernel.IKernelConnection, _commId: string, _data: Record<string, unknown>, _buffers: string[]): void {
    void this.emit;
    throw new Error('widgets are not built yet');
  }
}
