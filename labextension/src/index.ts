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
  WidgetTracker
} from '@jupyterlab/apputils';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

// Activation registers factories and commands at once, so these load eagerly.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addCommands } from './commands';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addConvertCommand } from './convert';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { registerDocuments } from './documents';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { OfficeEnvironment } from './env';
import type { OfficeDocument, OfficeWidgetFactory } from './factory';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addReleaseLockCommand, LockRegistry, showLockBadges } from './locks';
import { readSettings } from './settings';
import { FACTORY, PLUGIN_ID } from './tokens';

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
    ILayoutRestorer
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
    restorer: ILayoutRestorer | null
  ): void => {
    const env = new OfficeEnvironment({
      serverSettings: app.serviceManager.serverSettings,
      translator: translator ?? nullTranslator,
      themeManager,
      contents: app.serviceManager.contents,
      openPath: path => void app.commands.execute('docmanager:open', { path })
    });
    const factory = registerDocuments(app.docRegistry, env);
    addCommands(app, { trans: env.trans, fileBrowser, launcher, palette });
    trackDocuments(factory, restorer);
    const { serverSettings } = app.serviceManager;
    const browsers = { factory: browserFactory, defaultBrowser: fileBrowser };
    addConvertCommand(app, { trans: env.trans, serverSettings, ...browsers });
    if (browserFactory) {
      const locks = new LockRegistry(serverSettings);
      addReleaseLockCommand(app, {
        trans: env.trans,
        serverSettings,
        locks,
        ...browsers
      });
      browserFactory.tracker.forEach(browser =>
        showLockBadges(browser, locks, env.trans)
      );
      browserFactory.tracker.widgetAdded.connect((_, browser) =>
        showLockBadges(browser, locks, env.trans)
      );
    }
    if (settingRegistry) {
      void loadSettings(settingRegistry, env);
    }
    console.debug('jupyter-wopi is activated');
  }
};

/** Keep open panels in the layout so a page reload reopens them. */
function trackDocuments(
  factory: OfficeWidgetFactory,
  restorer: ILayoutRestorer | null
): void {
  const tracker = new WidgetTracker<OfficeDocument>({
    namespace: 'jupyter-wopi'
  });
  factory.widgetCreated.connect((_, widget) => {
    widget.context.pathChanged.connect(() => void tracker.save(widget));
    void tracker.add(widget);
  });
  void restorer?.restore(tracker, {
    command: 'docmanager:open',
    args: widget => ({ path: widget.context.path, factory: FACTORY }),
    name: widget => widget.context.path
  });
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
