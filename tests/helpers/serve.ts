// Starts `gds serve` as a real child process (so tests can kill it) and waits for its URL line.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(new URL('../..', import.meta.url).pathname);

export interface Served {
  url: string;
  origin: string;
  port: number;
  token: string;
  home: string;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}

export async function serve(opts: { file?: string; home?: string; env?: Record<string, string>; args?: string[] } = {}): Promise<Served> {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'gds-home-'));
  const args = [join(repoRoot, 'bin/gds.mjs'), 'serve', ...(opts.file ? [opts.file] : []), '--verbose', ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, GDS_HOME: home, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`gds serve printed no URL in 60 s: ${err}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^GDS web mode: (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64})$/m.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    child.once('exit', (code) => rej(new Error(`gds serve exited with ${code}: ${err}`)));
  });
  const u = new URL(url);
  return {
    url, origin: u.origin, port: Number(u.port), token: /token=([0-9a-f]{64})/.exec(u.hash)?.[1] ?? '', home, child,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(t);
    },
  };
}
