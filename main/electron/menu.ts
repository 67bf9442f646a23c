// The application menu: the usual notebook commands, sent to the UI as contract events.
import { Menu, dialog, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { Events } from '../../preload/contract.ts';

type Emit = <E extends keyof Events>(event: E, payload: Events[E]) => void;

export function buildMenu(win: () => BrowserWindow | null, emit: Emit, openChosen: (path: string) => void): Menu {
  const cmd = (label: string, command: string, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => emit('app.command', { command }),
  });
  const open = async () => {
    const w = win();
    const res = w
      ? await dialog.showOpenDialog(w, { properties: ['openFile'], filters: [{ name: 'Notebooks', extensions: ['ipynb'] }] })
      : { canceled: true, filePaths: [] };
    const path = res.filePaths[0];
    if (!res.canceled && path) openChosen(path);
  };
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        cmd('New notebook', 'notebook.new', 'CmdOrCtrl+N'),
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => void open() },
        cmd('Save', 'notebook.save', 'CmdOrCtrl+S'),
        cmd('Save as…', 'notebook.saveAs', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'Cell',
      submenu: [
        cmd('Run cell', 'cell.run'),
        cmd('Run cell and select below', 'cell.runAdvance'),
        cmd('Run all', 'run.all'),
        cmd('Run all above', 'run.above'),
        cmd('Run selected and below', 'run.below'),
        { type: 'separator' },
        cmd('Insert cell above', 'cell.insertAbove'),
        cmd('Insert cell below', 'cell.insertBelow'),
        cmd('Delete cells', 'cell.delete'),
        cmd('Merge cells', 'cell.merge'),
        cmd('Move up', 'cell.moveUp'),
        cmd('Move down', 'cell.moveDown'),
        cmd('To code', 'cell.toCode'),
        cmd('To markdown', 'cell.toMarkdown'),
        cmd('Clear all outputs', 'cell.clearOutputs'),
      ],
    },
    {
      label: 'Kernel',
      submenu: [cmd('Interrupt', 'kernel.interrupt'), cmd('Restart', 'kernel.restart'), cmd('Restart and run all', 'kernel.restartRunAll')],
    },
    { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { role: 'togglefullscreen' }] },
    { label: 'Help', submenu: [cmd('Keyboard shortcuts', 'help.shortcuts')] },
  ];
  return Menu.buildFromTemplate(template);
}
