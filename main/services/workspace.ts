// The folders a client may open, save and list notebooks in. Paths are resolved through symlinks before the check,
// so a link inside the workspace cannot lead out of it; a refusal names the path and the workspace, nothing more.
import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';

export class WorkspaceError extends Error {
  readonly code = 'outside-workspace';
}

function canonical(dir: string): string {
  try {
    return realpathSync(resolve(dir));
  } catch {
    return resolve(dir);
  }
}

/** The real path of `abs`, or of its nearest existing parent with the rest appended (a file about to be created). */
async function realPathOf(abs: string): Promise<string> {
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return join(await realpath(cur), ...rest.reverse());
    } catch (e) {
      const parent = dirname(cur);
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || parent === cur) return abs;
      rest.push(basename(cur));
      cur = parent;
    }
  }
}

export class Workspace {
  private readonly folders: string[];

  constructor(folders: string[]) {
    this.folders = [...new Set(folders.map(canonical))];
  }

  get roots(): readonly string[] {
    return this.folders;
  }

  /** A folder the user chose outside the current ones (a native Open dialog in Electron). */
  allow(folder: string): void {
    const dir = canonical(folder);
    if (!this.folders.includes(dir)) this.folders.push(dir);
  }

  private inside(real: string): boolean {
    return this.folders.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep));
  }

  /** The real absolute path of `path` when it lies inside the workspace; otherwise a WorkspaceError. */
  async resolve(path: string): Promise<string> {
    if (path.includes('\0')) throw new WorkspaceError('a path may not contain NUL characters');
    const abs = isAbsolute(path) ? resolve(path) : resolve(this.folders[0] ?? process.cwd(), path);
    const real = await realPathOf(abs);
    if (!this.inside(real))
      throw new WorkspaceError(`${abs} is outside the workspace (${this.folders.join(', ')}); start GDS with --workspace to add a folder`);
    return real;
  }

  async contains(path: string): Promise<boolean> {
    return this.resolve(path).then(
      () => true,
      () => false,
    );
  }
}
