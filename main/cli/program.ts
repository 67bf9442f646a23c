// Builds the `gds` command line: one commander program; each feature area registers its own subcommands.
import { Command } from 'commander';
import { registerAppCommands } from './commands/app.ts';
import { registerCorpusCommands } from './commands/corpus.ts';
import { registerClassifierCommands } from './commands/classifier.ts';
import { registerRecommenderCommands } from './commands/recommender.ts';
import { registerPipelineCommands } from './commands/pipeline.ts';
import { registerLintCommands } from './commands/lint.ts';

export function buildProgram(): Command {
  const program = new Command('gds')
    .description('Guided Data Science: a notebook IDE that suggests what Kaggle notebooks did next.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError();
  registerAppCommands(program);
  registerCorpusCommands(program);
  registerClassifierCommands(program);
  registerRecommenderCommands(program);
  registerPipelineCommands(program);
  registerLintCommands(program);
  return program;
}
