// `gds serve` and `gds doctor` (registered by main/cli/program.ts).
import type { Command } from 'commander';

export function registerAppCommands(program: Command): void {
  void program;
}
