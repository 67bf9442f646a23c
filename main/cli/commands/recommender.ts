// `gds` subcommands for the recommender (registered by main/cli/program.ts).
import type { Command } from 'commander';

export function registerRecommenderCommands(program: Command): void {
  void program;
}
