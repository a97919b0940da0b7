/**
 * ONLYOFFICE Settings: the three addresses that connect the browser, this
 * Jupyter server and ONLYOFFICE Docs, set from the lab when the server allows
 * it. The server checks and applies them at once (no restart) and the
 * connection check runs; addresses an administrator set in Jupyter's config
 * or the environment show read-only. The dialog's body is addressForm.ts.
 */

import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  type ICommandPalette,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { AddressForm, withScheme } from './addressForm';
import { fetchConnectionSettings, saveConnectionSettings } from './api';
import { element } from './views';
import { CommandIDs } from './tokens';
import type {
  AddressName,
  ConnectionChange,
  IConnectionSettings
} from './wire';

export interface IConfigureOptions {
  readonly trans: TranslationBundle;
  readonly serverSettings?: ServerConnection.ISettings;
  /**
   * Run the connection doctor once new addresses are in force; resolves
   * true when the user chose to change an address the check found wrong.
   */
  readonly checkConnection: () => Promise<boolean>;
}

/**
 * Show ONLYOFFICE Settings; on Save, apply the addresses and run the doctor.
 * After a failed check, Change Address… comes back here with the failing
 * field marked. Resolves true when new addresses were saved.
 */
export async function configureConnection(
  options: IConfigureOptions
): Promise<boolean> {
  const { trans, serverSettings } = options;
  let current: IConnectionSettings;
  try {
    current = await fetchConnectionSettings(serverSettings);
  } catch (reason) {
    await showErrorMessage(trans.__('ONLYOFFICE Settings'), reason as Error);
    return false;
  }
  let saved = false;
  let entered: ConnectionChange | undefined;
  let error = '';
  let corrections: ConnectionChange = {};
  for (;;) {
    const form = new AddressForm({
      trans,
      settings: current,
      entered,
      error,
      corrections
    });
    const dialog = new Dialog({
      title: trans.__('ONLYOFFICE Settings'),
      body: form,
      focusNodeSelector: form.focusSelector,
      buttons: current.lab_may_change
        ? [
            Dialog.cancelButton(),
            Dialog.okButton({ label: trans.__('Save and Check') })
          ]
        : [Dialog.okButton({ label: trans.__('Close') })]
    });
    form.onSubmit = () => dialog.resolve(1); // a suggested value: one click
    const result = await dialog.launch();
    dialog.dispose();
    if (!result.button.accept || !current.lab_may_change) {
      return saved;
    }
    entered = form.getValue();
    corrections = schemeCorrections(entered);
    error = '';
    if (Object.keys(corrections).length) {
      continue; // offer http://… instead of sending what the server would refuse
    }
    try {
      current = await saveConnectionSettings(entered, serverSettings);
    } catch (reason) {
      error = reason instanceof Error ? reason.message : String(reason);
      continue; // show the dialog again with what was typed and why it failed
    }
    saved = true;
    if (!(await options.checkConnection())) {
      return true;
    }
    // Change Address…: the dialog again, with the check's verdicts beside the fields.
    entered = undefined;
    try {
      current = await fetchConnectionSettings(serverSettings);
    } catch {
      // keep what the last Save answered
    }
  }
}

/** Fields typed without http:// or https://, with what they most likely mean. */
function schemeCorrections(values: ConnectionChange): ConnectionChange {
  const found: ConnectionChange = {};
  for (const [name, value] of Object.entries(values) as [
    AddressName,
    string
  ][]) {
    const corrected = withScheme(value);
    if (corrected) {
      found[name] = corrected;
    }
  }
  return found;
}

/**
 * Whether the lab may change the address a failure is about: `setting`, or
 * for "reach", the one Jupyter fetches ONLYOFFICE at (the internal address
 * when set, else the first).
 */
export async function mayChangeAddress(
  serverSettings: ServerConnection.ISettings | undefined,
  setting: AddressName | 'reach' | ''
): Promise<boolean> {
  if (!setting) {
    return false;
  }
  let settings: IConnectionSettings;
  try {
    settings = await fetchConnectionSettings(serverSettings);
  } catch {
    return false; // the server is not answering: Settings could not help now
  }
  const byName = new Map(settings.addresses.map(a => [a.name, a]));
  const name =
    setting === 'reach'
      ? byName.get('onlyoffice_internal_url')?.value
        ? 'onlyoffice_internal_url'
        : 'onlyoffice_url'
      : setting;
  return byName.get(name)?.editable ?? false;
}

export interface IConfigureServices extends IConfigureOptions {
  readonly palette?: ICommandPalette | null;
  /** New addresses are in force. */
  readonly onSaved: () => void;
}

/** "ONLYOFFICE Settings…": command palette, Settings menu, panels. */
export function addConfigureCommand(
  app: JupyterFrontEnd,
  services: IConfigureServices
): void {
  const { trans } = services;
  app.commands.addCommand(CommandIDs.configure, {
    label: trans.__('ONLYOFFICE Settings…'),
    caption: trans.__(
      'Where ONLYOFFICE Docs is, for the browser and for this Jupyter server'
    ),
    describedBy: { args: { type: 'object', properties: {} } },
    execute: async () => {
      const saved = await configureConnection(services);
      if (saved) {
        services.onSaved();
      }
      return saved;
    }
  });
  services.palette?.addItem({
    command: CommandIDs.configure,
    category: trans.__('ONLYOFFICE')
  });
}

/**
 * Before work that needs ONLYOFFICE (a new document, a conversion): when the
 * server has none, say so and offer ONLYOFFICE Settings instead of creating a
 * file nobody can open. Resolves true when the work may go ahead.
 */
export async function readyForOnlyOffice(
  options: {
    readonly trans: TranslationBundle;
    readonly serverSettings?: ServerConnection.ISettings;
    readonly configure: () => Promise<boolean>;
  },
  what: string
): Promise<boolean> {
  const { trans, serverSettings } = options;
  let settings: IConnectionSettings;
  try {
    settings = await fetchConnectionSettings(serverSettings);
  } catch {
    return true; // the work itself will say what is wrong with the server
  }
  if (settings.configured) {
    return true;
  }
  const body = element(
    document,
    'p',
    'jp-wopi-configure-intro',
    `${what} ${settings.problem}`
  );
  const result = await showDialog({
    title: trans.__('ONLYOFFICE Docs is not set up'),
    body: new Widget({ node: body }),
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({ label: trans.__('ONLYOFFICE Settings…') })
    ]
  });
  if (!result.button.accept || !(await options.configure())) {
    return false;
  }
  return (await fetchConnectionSettings(serverSettings)).configured;
}
