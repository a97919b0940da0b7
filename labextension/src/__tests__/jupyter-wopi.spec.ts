/**
 * The plugin: it registers the ONLYOFFICE factory for office formats and the
 * new-document commands, and needs no lab-only service.
 */

import {
  ABCWidgetFactory,
  DocumentRegistry,
  DocumentWidget
} from '@jupyterlab/docregistry';
import { ServerConnection } from '@jupyterlab/services';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import plugin from '../index';

/** Stands for the lab's own viewers of csv, txt and pdf. */
class LabViewerFactory extends ABCWidgetFactory<DocumentWidget> {
  protected createNewWidget(context: DocumentRegistry.Context): DocumentWidget {
    return new DocumentWidget({ content: new Widget(), context });
  }
}

function fakeApp() {
  const docRegistry = new DocumentRegistry();
  docRegistry.addWidgetFactory(
    new LabViewerFactory({
      name: 'Lab viewer',
      fileTypes: ['csv', 'text', 'PDF'],
      defaultFor: ['csv', 'text', 'PDF']
    })
  );
  return {
    docRegistry,
    commands: new CommandRegistry(),
    shell: { currentWidget: null },
    // Never restored: the conflict announcer, which starts then, stays off.
    restored: new Promise<void>(() => undefined),
    serviceManager: {
      serverSettings: ServerConnection.makeSettings(),
      contents: {}
    }
  };
}

function activate(app: ReturnType<typeof fakeApp>): void {
  const debug = jest.spyOn(console, 'debug').mockImplementation(() => {});
  try {
    // Only the application: every other service is optional.
    (plugin.activate as (...args: unknown[]) => void)(
      app,
      null,
      null,
      null,
      null,
      null,
      null,
      null
    );
  } finally {
    debug.mockRestore();
  }
}

describe('jupyter-wopi', () => {
  it('exports the plugin with the expected id', () => {
    expect(plugin.id).toBe('jupyter-wopi:plugin');
  });

  it('starts automatically', () => {
    expect(plugin.autoStart).toBe(true);
  });

  it('requires no service, so it also runs in Notebook 7', () => {
    expect(plugin.requires ?? []).toEqual([]);
  });

  it('makes ONLYOFFICE the default for office formats', () => {
    const app = fakeApp();
    activate(app);
    for (const name of [
      'a.docx',
      'b.xlsx',
      'c.pptx',
      'd.odt',
      'e.ods',
      'f.odp',
      'g.rtf',
      'h.doc',
      'i.xls',
      'j.ppt'
    ]) {
      expect(app.docRegistry.defaultWidgetFactory(name)?.name).toBe(
        'ONLYOFFICE'
      );
    }
    expect(app.docRegistry.getFileType('docx')?.mimeTypes).toEqual([
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
    ]);
  });

  it('offers ONLYOFFICE under Open With for csv, txt and pdf, not as default', () => {
    const app = fakeApp();
    activate(app);
    for (const name of ['a.csv', 'b.txt', 'c.pdf']) {
      const names = app.docRegistry
        .preferredWidgetFactories(name)
        .map(f => f.name);
      expect(names).toContain('ONLYOFFICE');
      expect(app.docRegistry.defaultWidgetFactory(name)?.name).not.toBe(
        'ONLYOFFICE'
      );
    }
  });

  it('adds the new-document, save, doctor and browser-tab commands', () => {
    const app = fakeApp();
    activate(app);
    for (const id of [
      'jupyter-wopi:new-document',
      'jupyter-wopi:new-spreadsheet',
      'jupyter-wopi:new-presentation',
      'jupyter-wopi:save',
      'jupyter-wopi:check-connection',
      'jupyter-wopi:open-browser-tab',
      'jupyter-wopi:version-history',
      'jupyter-wopi:current-version-history'
    ]) {
      expect(app.commands.hasCommand(id)).toBe(true);
    }
    expect(app.commands.label('jupyter-wopi:new-spreadsheet')).toBe(
      'Spreadsheet'
    );
    expect(app.commands.label('jupyter-wopi:check-connection')).toBe(
      'Check ONLYOFFICE Connection'
    );
  });

  it('puts the doctor in the Help menu and the browser-tab command in place of the lab’s', () => {
    const schema = jest.requireActual<Record<string, unknown>>(
      '../../schema/plugin.json'
    );
    const menus = schema['jupyter.lab.menus'] as {
      main: { id: string; items: { command?: string }[] }[];
      context: { command: string; selector: string; disabled?: boolean }[];
    };
    const help = menus.main.find(menu => menu.id === 'jp-mainmenu-help');
    expect(help?.items.map(item => item.command)).toContain(
      'jupyter-wopi:check-connection'
    );
    const [lab, ours] = menus.context;
    expect(lab).toMatchObject({
      command: 'filebrowser:open-browser-tab',
      disabled: true
    });
    expect(ours.command).toBe('jupyter-wopi:open-browser-tab');
    expect(ours.selector).toBe(lab.selector);
  });

  it('creates an untitled file in the given folder and opens it with ONLYOFFICE', async () => {
    const app = fakeApp();
    const newUntitled = jest.fn(async () => ({ path: 'work/untitled.xlsx' }));
    (app.serviceManager.contents as Record<string, unknown>).newUntitled =
      newUntitled;
    const opened = jest.fn();
    app.commands.addCommand('docmanager:open', { execute: opened });
    activate(app);
    await app.commands.execute('jupyter-wopi:new-spreadsheet', { cwd: 'work' });
    expect(newUntitled).toHaveBeenCalledWith({
      path: 'work',
      type: 'file',
      ext: '.xlsx'
    });
    expect(opened).toHaveBeenCalledWith({
      path: 'work/untitled.xlsx',
      factory: 'ONLYOFFICE'
    });
  });
});
