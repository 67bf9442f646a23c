// Where our Jupyter server is rooted; its own module so that `gds serve` can start the server before loading the app.
import { dirname } from 'node:path';

/** The folder our Jupyter server serves (kernels of notebooks elsewhere start in their own folder all the same). */
export function jupyterRoot(openPath: string | null): string {
  return openPath ? dirname(openPath) : process.cwd();
}
