// `gds` subcommands for the corpus (registered by main/cli/program.ts).
import type { Command } from 'commander';

export function registerCorpusCommands(program: Command): void {
  void program;
}
