// The workspace file browser's operations, all inside the workspace. PLACEHOLDER: to be implemented (issue #23).
import type { FileEntry } from '../../preload/contract.ts';
import type { Workspace } from './workspace.ts';

const notYet = () => Promise.reject(new Error('the file browser is not built yet'));

export class WorkspaceFiles {
  constructor(private readonly workspace: Workspace, private readonly dataDir: string) {}
  roots(): Promise<string[]> { void this.workspace; void this.dataDir; return notYet(); }
  list(_dir: string): Promise<FileEntry[]> { return notYet(); }
  newNotebook(_dir: string): Promise<{ path: string }> { return notYet(); }
  rename(_from: string, _to: string): Promise<{ path: string }> { return notYet(); }
  duplicate(_path: string): Promise<{ path: string }> { return notYet(); }
  trash(_path: string): Promise<{ trashId: string }> { return notYet(); }
  restore(_trashId: string): Promise<{ path: string }> { return notYet(); }
  upload(_dir: string, _name: string, _base64: string): Promise<{ path: string }> { return notYet(); }
}
