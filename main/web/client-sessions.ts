// Which browser tab owns which kernel: a kernel's outputs and status go only to the tab that started or used it.
import type { WebSocket } from 'ws';

function kernelIdOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || !('kernelId' in value)) return null;
  const id = (value as { kernelId: unknown }).kernelId;
  return typeof id === 'string' ? id : null;
}

export class ClientSessions {
  /** A tab keeps its id across reconnects (sessionStorage), so it gets its kernels' events back after one. */
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly owners = new Map<string, Set<string>>();

  add(clientId: string, ws: WebSocket): void {
    let set = this.sockets.get(clientId);
    if (!set) this.sockets.set(clientId, (set = new Set()));
    set.add(ws);
  }

  remove(clientId: string, ws: WebSocket): void {
    const set = this.sockets.get(clientId);
    set?.delete(ws);
    if (set?.size === 0) this.sockets.delete(clientId);
  }

  private own(kernelId: string, clientId: string): Set<string> {
    let set = this.owners.get(kernelId);
    if (!set) this.owners.set(kernelId, (set = new Set()));
    set.add(clientId);
    return set;
  }

  /** A tab that calls a method on a kernel (execute, interrupt…) hears that kernel from then on. */
  noteCall(clientId: string, params: unknown): void {
    const id = kernelIdOf(params);
    if (id) this.own(id, clientId);
  }

  noteResult(clientId: string, result: unknown): void {
    const id = kernelIdOf(result);
    if (id) this.own(id, clientId);
  }

  /**
   * Who hears an event: a kernel's events go to its owners (an event raised while a tab's request is running, such as
   * the status while kernel.start is still starting it, makes that tab an owner); other events go to every tab.
   */
  audience(payload: unknown, caller: string | undefined): WebSocket[] {
    const kernelId = kernelIdOf(payload);
    const ids = kernelId === null ? [...this.sockets.keys()] : [...(this.owners.get(kernelId) ?? (caller ? this.own(kernelId, caller) : []))];
    return ids.flatMap((id) => [...(this.sockets.get(id) ?? [])]);
  }

  terminateAll(): void {
    for (const set of this.sockets.values()) for (const ws of set) ws.terminate();
    this.sockets.clear();
  }
}
