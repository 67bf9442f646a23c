// `gds lint NOTEBOOK.ipynb... [--json]`: the editor's workflow checks on the command line, for CI on a team's notebooks.
// Exit code 1 when any notebook has a finding (findings ignored in the editor, kept in the notebook, stay ignored).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { lintNotebook, RULES } from '../../../ml/guidance/lint.ts';
import type { Finding } from '../../../ml/guidance/types.ts';
import { decodeNotebookBytes, parseNotebook } from '../../services/nbformat.ts';

export interface NotebookLint {
  path: string;
  findings: Array<Finding & { cell: number }>;
}

/** Checks one notebook file; `cell` is the 1-based index among all cells, as the editor numbers them. */
export function lintFile(path: string): NotebookLint {
  const doc = parseNotebook(decodeNotebookBytes(readFileSync(path)).text);
  const code = doc.cells.filter((c) => c.cell_type === 'code');
  const gds = doc.metadata.gds as { ignoredFindings?: unknown } | undefined;
  const ignored = Array.isArray(gds?.ignoredFindings) ? gds.ignoredFindings.filter((k): k is string => typeof k === 'string') : [];
  const findings = lintNotebook(code.map((c) => ({ id: c.id, source: c.source, executionCount: c.execution_count ?? null })), { ignored });
  const number = new Map(doc.cells.map((c, i) => [c.id, i + 1]));
  return { path, findings: findings.map((f) => ({ ...f, cell: number.get(f.cellId) ?? 0 })) };
}

function printText(results: NotebookLint[]): void {
  for (const r of results) {
    for (const f of r.findings) {
      process.stdout.write(`${r.path}:cell ${f.cell}:line ${f.startLine}: ${f.severity} ${f.ruleId}: ${f.message.replace(/`/g, '')}\n`);
    }
  }
  const total = results.reduce((n, r) => n + r.findings.length, 0);
  const withFindings = results.filter((r) => r.findings.length).length;
  process.stdout.write(total ? `${total} finding(s) in ${withFindings} of ${results.length} notebook(s)\n` : `no findings in ${results.length} notebook(s)\n`);
}

export function registerLintCommands(program: Command): void {
  program
    .command('lint')
    .description('run the workflow checks (leakage, evaluation, kernel state) on notebooks; exit code 1 when any finding')
    .argument('[notebooks...]', 'notebook files (.ipynb)')
    .option('--json', 'print the findings as JSON (one object per notebook)')
    .option('--rules', 'list the checks and exit')
    .action((paths: string[], o: { json?: boolean; rules?: boolean }) => {
      if (o.rules) {
        for (const r of RULES) process.stdout.write(`${r.id.padEnd(28)} ${r.severity.padEnd(8)} ${r.title}\n`);
        return;
      }
      if (!paths.length) throw new Error('name at least one notebook: gds lint NOTEBOOK.ipynb');
      const results = paths.map((p) => lintFile(resolve(p)));
      if (o.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else printText(results);
      if (results.some((r) => r.findings.length)) process.exitCode = 1;
    });
}
