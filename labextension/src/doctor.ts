/**
 * The connection doctor in the lab: "Check ONLYOFFICE Connection" (command
 * palette, Help menu) and a panel's "Check the connection" run the same
 * check and show the same report, whether or not a document is open.
 */

import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  type ICommandPalette,
  Notification,
  showErrorMessage
} from '@jupyterlab/apputils';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';

import { checkConnection } from './api';
import { showConnectionReport } from './dialogs';
import { CommandIDs } from './tokens';

/** The check under way: asking twice while it runs shows one report. */
let running: Promise<void> | null = null;

/**
 * Run the server's connection doctor, showing each step while it runs
 * (a few seconds), then its verdict per hop, problems first.
 */
export function runConnectionCheck(
  trans: TranslationBundle,
  serverSettings: ServerConnection.ISettings
): Promise<void> {
  running =
    running ??
    checkWithProgress(trans, serverSettings).finally(() => {
      running = null;
    });
  return running;
}

async function checkWithProgress(
  trans: TranslationBundle,
  serverSettings: ServerConnection.ISettings
): Promise<void> {
  const checking = trans.__('Checking the connection to ONLYOFFICE Docs…');
  const id = Notification.emit(checking, 'in-progress', { autoClose: false });
  try {
    const report = await checkConnection(serverSettings, step =>
      Notification.update({
        id,
        message: `${checking}\n${step}`,
        type: 'in-progress',
        autoClose: false
      })
    );
    Notification.dismiss(id);
    await showConnectionReport(trans, report);
  } catch (error) {
    Notification.dismiss(id);
    // A dialog, not a toast: the server's sentence can be longer than a toast shows.
    await showErrorMessage(
      trans.__('The connection to ONLYOFFICE Docs could not be checked'),
      error instanceof Error ? error.message : String(error)
    );
  }
}

export interface IDoctorServices {
  readonly trans: TranslationBundle;
  readonly serverSettings: ServerConnection.ISettings;
  readonly palette?: ICommandPalette | null;
}

/** The command; its Help menu entry is in schema/plugin.json. */
export function addCheckConnectionCommand(
  app: JupyterFrontEnd,
  services: IDoctorServices
): void {
  const { trans } = services;
  app.commands.addCommand(CommandIDs.checkConnection, {
    label: trans.__('Check ONLYOFFICE Connection'),
    caption: trans.__(
      'Check every link between this browser, Jupyter and ONLYOFFICE Docs, ' +
        'and name the setting that fixes a broken one'
    ),
    describedBy: { args: { type: 'object', properties: {} } },
    execute: () => runConnectionCheck(trans, services.serverSettings)
  });
  services.palette?.addItem({
    command: CommandIDs.checkConnection,
    category: trans.__('ONLYOFFICE')
  });
}
