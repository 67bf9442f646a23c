// A code cell's outputs, its input() prompt, and its run summary.
import { useState } from 'react';
import type { Cell } from '../../../preload/contract.ts';
import { host } from '../host.ts';
import { useKernel } from '../stores/kernel.ts';
import { OutputView } from './OutputView.tsx';

function InputPrompt({ prompt, password }: { prompt: string; password: boolean }) {
  const [value, setValue] = useState('');
  const submit = () => {
    const { kernelId } = useKernel.getState();
    if (!kernelId) return;
    useKernel.getState().set({ input: null });
    void host().kernel.inputReply({ kernelId, value });
  };
  return (
    <div className="input-prompt">
      <span>{prompt}</span>
      <input data-testid="input-prompt" autoFocus type={password ? 'password' : 'text'} value={value}
        onChange={(e) => setValue(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && submit()} />
    </div>
  );
}

export function OutputArea({ cell }: { cell: Cell }) {
  const input = useKernel((s) => (s.input?.cellId === cell.id ? s.input : null));
  const outputs = cell.outputs ?? [];
  if (!outputs.length && !input) return null;
  return (
    <div className="outputs" data-testid="cell-output">
      {outputs.map((o, i) => <OutputView key={i} output={o} />)}
      {input && <InputPrompt prompt={input.prompt} password={input.password} />}
    </div>
  );
}
