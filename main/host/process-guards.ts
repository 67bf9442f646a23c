// A kernel dying mid-request leaves @jupyterlab/services with promises nobody awaits, and a bug reached by one odd
// request would end every session: both are logged and the host keeps serving (Node's default is to exit and lose
// the user's unsaved work and running kernels). Errors that leave the process unusable still end it.
const FATAL = new Set(['ERR_WORKER_OUT_OF_MEMORY', 'ERR_OUT_OF_MEMORY']);

export function installProcessGuards(log: (line: string) => void): void {
  // Once the terminal or pipe that reads our output is gone (the parent died, the window closed), every write fails
  // with EPIPE. Unhandled, that error is itself logged, fails again, and the host spun at full CPU forever: it stops
  // logging instead and keeps serving the tabs still connected.
  let logging = true;
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => (logging = false));
  const say = (line: string) => {
    if (!logging) return;
    try {
      log(line);
    } catch {
      logging = false;
    }
  };
  process.on('unhandledRejection', (reason) => {
    say(`unhandled rejection (ignored): ${reason instanceof Error ? reason.message : String(reason)}`);
  });
  process.on('uncaughtException', (err, origin) => {
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') logging = false;
    else say(`uncaught ${origin} (kept serving): ${err.stack ?? err.message}`);
    if (FATAL.has((err as NodeJS.ErrnoException).code ?? '')) process.exit(70);
  });
}
