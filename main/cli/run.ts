// Runs the CLI and turns thrown errors into one clear line and a non-zero exit code.
import { buildProgram } from './program.ts';

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    const err = e as Error & { exitCode?: number };
    process.stderr.write(`gds: ${err.message}\n`);
    if (process.env.GDS_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
    process.exitCode = err.exitCode ?? 1;
  }
}
