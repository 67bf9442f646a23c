// A kernel dying mid-request leaves @jupyterlab/services with promises nobody awaits, and a bug reached by one odd
// request would end every session: both are logged and the host keeps serving (Node's default is to exit and lose
// the user's unsaved work and running kernels). Errors that leave the process unusable still end it.
const FATAL = new Set(['ERR_WORKER_OUT_OF_MEMORY', 'ERR_OUT_OF_MEMORY']);

export function installProcessGuards(log: (line: string) => void): void {
  process.on('unhandledRejection', (reason) => {
    log(`unhandled rejection (ignored): ${reason instanceof Error ? reason.message : String(reason)}`);
  });
  process.on('uncaughtException', (err, origin) => {
    log(`uncaught ${origin} (kept serving): ${err.stack ?? err.message}`);
    if (FATAL.has((err as NodeJS.ErrnoException).code ?? '')) process.exit(70);
  });
}
