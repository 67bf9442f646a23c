// `gds` subcommands for the classifier (registered by main/cli/program.ts).
import type { Command } from 'commander';

export function registerClassifierCommands(program: Command): void {
  void program;
}
