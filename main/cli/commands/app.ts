// `gds serve` (web mode) and `gds doctor` (environment checks), registered by main/cli/program.ts.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { userDataDir } from '../../../pipeline/app-paths.ts';
import { runDoctor } from '../../services/doctor.ts';
import { startJupyterServer } from '../../../pipeline/jupyter/server-process.ts';
import { jupyterRoot } from '../../services/jupyter-root.ts';
import { installProcessGuards } from '../../host/process-guards.ts';

export function registerAppCommands(program: Command): void {
  program
    .command('serve')
    .description('run GDS as a local web app on 127.0.0.1 (token-protected); prints the URL to open')
    .argument('[file]', 'notebook to open')
    .option('--port <n>', "port (default: the last run's if free, else a free one)", (v) => Number.parseInt(v, 10))
    .option('--workspace <dir...>', "folders the app may open and save notebooks in (default: the file's folder, else the current one)")
    .option('--jupyter-url <url>', 'attach to a running Jupyter server (http://host:port/?token=...) instead of starting one')
    .option('--python <path>', 'Python interpreter with jupyter_server and ipykernel')
    .option('--verbose', 'log requests and the Jupyter server output')
    .action(async (file: string | undefined, o: { port?: number; workspace?: string[]; jupyterUrl?: string; python?: string; verbose?: boolean }) => {
      if (o.port !== undefined && !(o.port >= 0 && o.port < 65536)) throw new Error(`invalid --port ${String(o.port)}`);
      installProcessGuards((l) => process.stderr.write(`${l}\n`));
      const openPath = file ? resolve(file) : null;
      if (openPath && !existsSync(openPath)) throw new Error(`${openPath} does not exist`);
      const folders = (o.workspace ?? []).map((d) => resolve(d));
      for (const d of folders) if (!existsSync(d)) throw new Error(`--workspace ${d} does not exist`);
      const workspace = folders.length ? [...folders, ...(openPath ? [dirname(openPath)] : [])] : undefined;
      const log = o.verbose ? (l: string) => process.stderr.write(`${l}\n`) : undefined;
      // Python starts while the app's modules load (half a second); the first run would otherwise wait for both.
      const jupyter = o.jupyterUrl
        ? undefined
        : startJupyterServer({ python: o.python, rootDir: jupyterRoot(openPath), log: log && ((l) => log(`[jupyter] ${l}`)) });
      jupyter?.catch(() => undefined); // the kernel service reports a failed start when it needs the server
      const { startWebHost } = await import('../../web/web-host.ts');
      const host = await startWebHost({
        port: o.port,
        openPath,
        workspace,
        dataDir: userDataDir(),
        version: process.env.npm_package_version ?? '0.1.0',
        attachUrl: o.jupyterUrl,
        python: o.python,
        jupyter,
        log,
      }).catch(async (e: unknown) => {
        // The Jupyter server started above would otherwise keep the process (and itself) alive after the error.
        await jupyter?.then((j) => j.dispose(), () => undefined);
        throw e;
      });
      process.stdout.write(`GDS web mode: ${host.url}\n`);
      let closing = false;
      const stop = () => {
        if (closing) return;
        closing = true;
        void host.close().finally(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });

  program
    .command('doctor')
    .description('check Python, Jupyter, PyTorch, bundled models and ONNX execution providers')
    .option('--json', 'print the checks as JSON')
    .action(async (o: { json?: boolean }) => {
      const checks = await runDoctor();
      if (o.json) process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
      else {
        for (const c of checks) {
          process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(20)} ${c.detail}\n`);
          if (c.fix && !c.ok) process.stdout.write(`      fix: ${c.fix}\n`);
        }
      }
      const required = ['python', 'jupyter_server', 'ipykernel'];
      if (checks.some((c) => !c.ok && required.includes(c.name))) process.exitCode = 1;
    });
}
