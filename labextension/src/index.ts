/**
 * The jupyter-wopi plugin: office documents open in ONLYOFFICE Docs panels.
 *
 * Every lab service except the document registry is optional, so the plugin
 * also runs in Jupyter Notebook 7 and other JupyterLab-based hosts.
 */

import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  IThemeManager,
  Notification,
  WidgetTracker
} from '@jupyterlab/apputils';
import type { IDocumentWidget } from '@jupyterlab/docregistry';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker } from '@jupyterlab/notebook';
import type { ServerConnection } from '@jupyterlab/services';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

// Activation registers factories and commands at once, so these load eagerly.
import { isSingleDocumentPage, returnToFolder } from './closing';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addCommands } from './commands';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { ConflictAnnouncer } from './conflicts';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addConfigureCommand } from './configure';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addConvertCommand } from './convert';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addCheckConnectionCommand, runConnectionCheck } from './doctor';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { registerDocuments } from './documents';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { DropZones } from './dropzone';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { OfficeEnvironment } from './env';
import type { OfficeDocument, OfficeWidgetFactory } from './factory';
import { addOpenBrowserTabCommand } from './hostpage';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { InlineDocument, OpenInTabRequest } from './inline';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { InsertImageRequest } from './insertRequest';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addReleaseLockCommand, LockRegistry, showLockBadges } from './locks';
import { extendNewMenu } from './newmenu';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { NotebookFigures } from './notebookFigures';
import {
  DOCUMENT_MIME,
  INSERT_IMAGE_MIME,
  type IOutputServices,
  OPEN_MIME
} from './outputs';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { type ISavableDocument, SaveGuide } from './saving';
import { readSettings } from './settings';
import { CommandIDs, FACTORY, PLUGIN_ID } from './tokens';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addVersionCommands, VersionPanels } from './versionCommands';

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Edit office documents (docx, xlsx, pptx) in JupyterLab with ONLYOFFICE Docs over WOPI',
  autoStart: true,
  optional: [
    ITranslator,
    IThemeManager,
    ISettingRegistry,
    IDefaultFileBrowser,
    IFileBrowserFactory,
    ILauncher,
    ICommandPalette,
    ILayoutRestorer,
    IRenderMimeRegistry,
    INotebookTracker
  ],
  activate: (
    app: JupyterFrontEnd,
    translator: ITranslator | null,
    themeManager: IThemeManager | null,
    settingRegistry: ISettingRegistry | null,
    fileBrowser: IDefaultFileBrowser | null,
    browserFactory: IFileBrowserFactory | null,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    rendermime: IRenderMimeRegistry | null,
    notebooks: INotebookTracker | null
  ): void => {
    const openPath = (path: string) =>
      void app.commands.execute('docmanager:open', { path });
    const configure = async () =>
      (await app.commands.execute(CommandIDs.configure)) === true;
    const env = new OfficeEnvironment({
      serverSettings: app.serviceManager.serverSettings,
      translator: translator ?? nullTranslator,
      themeManager,
      contents: app.serviceManager.contents,
      openPath,
      configure,
      events: app.serviceManager.events,
      // The editor's Version History button (UI_FileVersions).
      showVersions: path =>
        void app.commands.execute(CommandIDs.versionHistory, { path })
    });
    const { trans } = env;
    const tracker = new WidgetTracker<OfficeDocument>({
      namespace: 'jupyter-wopi'
    });
    const isCurrent = (document: ISavableDocument) =>
      Object.is(app.shell.currentWidget, document);
    const saveGuide = new SaveGuide({ trans, isCurrent });
    const factory = registerDocuments(app.docRegistry, env, saveGuide);
    const newFileCommands = addCommands(app, {
      trans,
      fileBrowser,
      launcher,
      palette,
      saveGuide,
      currentDocument: () => tracker.find(isCurrent) ?? null,
      serverSettings: app.serviceManager.serverSettings,
      configure
    });
    trackDocuments(
      factory,
      tracker,
      restorer,
      app.serviceManager.serverSettings
    );
    const { serverSettings } = app.serviceManager;
    addCheckConnectionCommand(app, { trans, serverSettings, palette });
    addConfigureCommand(app, {
      trans,
      serverSettings,
      palette,
      checkConnection: () => runConnectionCheck(trans, serverSettings),
      onSaved: () => env.connectionSaved()
    });
    const browsers = { factory: browserFactory, defaultBrowser: fileBrowser };
    addConvertCommand(app, { trans, serverSettings, configure, ...browsers });
    addOpenBrowserTabCommand(app, { trans, serverSettings, ...browsers });
    addVersionCommands(app, {
      env,
      palette,
      ...browsers,
      panels: new VersionPanels({
        env,
        shell: app.shell,
        documentOf: path =>
          tracker.find(document => document.context.path === path) ?? null
      }),
      currentPath: () => tracker.find(isCurrent)?.context.path ?? null
    });
    if (fileBrowser) {
      extendNewMenu(fileBrowser, newFileCommands); // Notebook 7's tree view
    }
    if (browserFactory) {
      const locks = new LockRegistry(serverSettings);
      // A lock taken or released shows in the file browser at once.
      env.fileChanged.connect(() => void locks.refresh());
      addReleaseLockCommand(app, {
        trans,
        serverSettings,
        locks,
        ...browsers
      });
      browserFactory.tracker.forEach(browser =>
        showLockBadges(browser, locks, trans)
      );
      browserFactory.tracker.widgetAdded.connect((_, browser) =>
        showLockBadges(browser, locks, trans)
      );
    }
    void app.restored.then(
      () =>
        new ConflictAnnouncer({
          trans,
          serverSettings,
          openPath,
          announce: change => env.announce(change),
          storage: browserStorage()
        })
    );
    if (settingRegistry) {
      void loadSettings(settingRegistry, env);
    }
    addImageInsertion(env, notebooks);
    if (rendermime) {
      addOutputRenderers(rendermime, {
        env,
        contents: app.serviceManager.contents,
        openInTab: (path, beside) => void openInTab(app, path, beside)
      });
    }
    console.debug('jupyter-wopi is activated');
  }
};

/**
 * Open a file in an ONLYOFFICE tab. `beside`: a notebook's code asked, so a
 * tab not open yet goes to the right of the notebook, which stays current
 * (the document manager activates what it opens).
 */
async function openInTab(
  app: JupyterFrontEnd,
  path: string,
  beside = false
): Promise<void> {
  const notebook = beside ? app.shell.currentWidget : null;
  const open = Array.from(app.shell.widgets('main')).some(
    widget =>
      (widget as unknown as Partial<IDocumentWidget>).context?.path === path
  );
  const split = notebook !== null && !open;
  const opened = (await app.commands.execute('docmanager:open', {
    path,
    factory: FACTORY,
    ...(split ? { options: { mode: 'split-right' } } : {})
  })) as IDocumentWidget | undefined;
  if (split) {
    // After the document manager's own activation of the new tab has run.
    await opened?.revealed;
    await new Promise(resolve => requestAnimationFrame(resolve));
    if (notebook.isAttached) {
      app.shell.activateById(notebook.id);
    }
  }
}

/** Keep open panels in the layout so a page reload reopens them. */
function trackDocuments(
  factory: OfficeWidgetFactory,
  tracker: WidgetTracker<OfficeDocument>,
  restorer: ILayoutRestorer | null,
  { baseUrl }: ServerConnection.ISettings
): void {
  const closesToFolder = isSingleDocumentPage(); // Notebook 7's editor page
  factory.widgetCreated.connect((_, widget) => {
    widget.context.pathChanged.connect(() => void tracker.save(widget));
    void tracker.add(widget);
    if (closesToFolder) {
      // After the factory closed the tab: no empty page, the document's folder.
      widget.content.closeRequested.connect(() =>
        returnToFolder(baseUrl, widget.context.path)
      );
    }
  });
  void restorer?.restore(tracker, {
    command: 'docmanager:open',
    args: widget => ({ path: widget.context.path, factory: FACTORY }),
    name: widget => widget.context.path
  });
}

/**
 * Images into documents: the picker when an editor asks (Image → From
 * Storage), and drop zones over the editors while a drag is in progress
 * (they live as long as the page).
 */
function addImageInsertion(
  env: OfficeEnvironment,
  notebooks: INotebookTracker | null
): DropZones {
  const figures = notebooks ? new NotebookFigures(notebooks) : null;
  const picking = new Set<object>();
  env.editors.imageRequested.connect(async (_, panel) => {
    if (picking.has(panel)) {
      return; // its picker is open already
    }
    picking.add(panel);
    try {
      const { showImagePicker } = await import('./imagePicker');
      await showImagePicker({
        env,
        target: panel,
        figures: () => figures?.figures() ?? []
      });
    } finally {
      picking.delete(panel);
    }
  });
  return new DropZones({
    editors: env.editors,
    env,
    figureOf: node => figures?.figureOf(node) ?? null,
    notify: (message, kind) =>
      void Notification.emit(message, kind, { autoClose: 6000 })
  });
}

/**
 * Notebook outputs of `jupyter_wopi.Document`. Added at activation: each
 * notebook clones the registry when it opens. Ranked before the lab's HTML
 * renderer (50), which would show the link meant for other frontends. Safe
 * for untrusted outputs: those only ever get a read-only preview.
 */
function addOutputRenderers(
  rendermime: IRenderMimeRegistry,
  services: IOutputServices
): void {
  const rank = 40;
  rendermime.addFactory(
    {
      safe: true,
      mimeTypes: [DOCUMENT_MIME],
      createRenderer: options => new InlineDocument(options, services)
    },
    rank
  );
  rendermime.addFactory(
    {
      safe: true,
      mimeTypes: [OPEN_MIME],
      createRenderer: options => new OpenInTabRequest(options, services)
    },
    rank
  );
  rendermime.addFactory(
    {
      safe: true,
      mimeTypes: [INSERT_IMAGE_MIME],
      createRenderer: options => new InsertImageRequest(options, services)
    },
    rank
  );
}

/** The browser's localStorage, or null where it is denied (some privacy modes). */
function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

async function loadSettings(
  registry: ISettingRegistry,
  env: OfficeEnvironment
): Promise<void> {
  try {
    const settings = await registry.load(PLUGIN_ID);
    env.settings = readSettings(settings.composite);
    settings.changed.connect(() => {
      env.settings = readSettings(settings.composite);
    });
  } catch (reason) {
    console.warn(
      'jupyter-wopi: settings could not be loaded, using defaults',
      reason
    );
  }
}

export default plugin;
