// Says which mode the notebook is in, as JupyterLab's status bar does: command (keys act on cells) or edit.
import { useNotebook } from '../stores/notebook.ts';

export function ModeIndicator() {
  const mode = useNotebook((s) => s.mode);
  const edit = mode === 'edit';
  return (
    <span className={`mode-indicator mode-${mode}`} data-testid="mode-indicator" data-mode={mode}
      title={edit ? 'Edit mode: keys type into the cell. Esc: command mode' : 'Command mode: keys act on cells (H lists them). Enter: edit the cell'}>
      {edit ? 'Edit' : 'Command'}
    </span>
  );
}
