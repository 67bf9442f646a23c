// A kernel dying mid-request leaves @jupyterlab/services with promises nobody awaits; those must be logged,
// not allowed to crash the service process (Node's default for an unhandled rejection) and lose the user's session.
export function installProcessGuards(log: (line: string) => void): void {
  process.on('unhandledRejection', (reason) => {
    log(`unhandled rejection (ignored): ${reason instanceof Error ? reason.message : String(reason)}`);
  });
}
