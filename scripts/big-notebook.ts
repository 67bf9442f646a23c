// The generated notebook the editor benchmark and its experiments open: every fifth cell markdown, the others two
// lines of code with a one-line stream output.
export function bigNotebookCells(n: number): unknown[] {
  return Array.from({ length: n }, (_, i) =>
    i % 5 === 0
      ? { cell_type: 'markdown', id: `m${i}`, metadata: {}, source: `## Section ${i}\nSome *markdown* text.` }
      : {
          cell_type: 'code',
          id: `c${i}`,
          metadata: {},
          source: `df${i} = df.groupby("a").mean()\nprint(df${i}.shape)`,
          outputs: [{ output_type: 'stream', name: 'stdout', text: '(3, 4)\n' }],
          execution_count: i,
        },
  );
}
