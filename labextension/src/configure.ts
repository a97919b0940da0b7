/**
 * ONLYOFFICE Settings: the three addresses that connect the browser, this
 * Jupyter server and ONLYOFFICE Docs, set from the lab when the server allows
 * it. The server checks and applies them at once (no restart); addresses an
 * administrator set in Jupyter's config or the environment show read-only.
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

import { fetchConnectionSettings, saveConnectionSettings } from './api';
import { element } from './views';
import { CommandIDs } from './tokens';
import type {
  AddressName,
  ConnectionChange,
  IAddress,
  IConnectionSettings
} from './wire';

export interface IConfigureOptions {
  readonly trans: TranslationBundle;
  readonly serverSettings?: ServerConnection.ISettings;
  /** Run the connection doctor once new addresses are in force. */
  readonly checkConnection: () => Promise<void>;
}

/**
 * Show ONLYOFFICE Settings; on Save, apply the addresses and run the doctor.
 * Resolves true when new addresses were saved.
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
  let entered: ConnectionChange = {};
  let error = '';
  for (;;) {
    const form = new AddressForm(trans, current, entered, error);
    const result = await showDialog({
      title: trans.__('ONLYOFFICE Settings'),
      body: form,
      focusNodeSelector: 'input:not([readonly])',
      buttons: current.lab_may_change
        ? [
            Dialog.cancelButton(),
            Dialog.okButton({ label: trans.__('Save and Check') })
          ]
        : [Dialog.okButton({ label: trans.__('Close') })]
    });
    if (!result.button.accept || !current.lab_may_change) {
      return false;
    }
    entered = form.getValue();
    try {
      await saveConnectionSettings(entered, serverSettings);
    } catch (reason) {
      error = reason instanceof Error ? reason.message : String(reason);
      continue; // show the dialog again with what was typed and why it failed
    }
    await options.checkConnection();
    return true;
  }
}

/** The dialog's body: one field per address, with its source and problems. */
export class AddressForm extends Widget {
  constructor(
    trans: TranslationBundle,
    settings: IConnectionSettings,
    entered: ConnectionChange,
    error: string
  ) {
    super();
    this.addClass('jp-wopi-configure');
    const intro = paragraph(
      settings.lab_may_change
        ? trans.__(
            'Where this Jupyter server finds ONLYOFFICE Docs. Only the first address ' +
              'is needed when the browser, Jupyter and ONLYOFFICE reach each other by ' +
              'the same names.'
          )
        : settings.why_not,
      'jp-wopi-configure-intro'
    );
    this.node.appendChild(intro);
    if (error) {
      this.node.appendChild(paragraph(error, 'jp-wopi-configure-error'));
    } else if (!settings.configured && settings.problem) {
      this.node.appendChild(
        paragraph(settings.problem, 'jp-wopi-configure-problem')
      );
    }
    for (const address of settings.addresses) {
      this.node.appendChild(
        this._field(trans, settings, address, entered[address.name])
      );
    }
  }

  /** What the user typed in the fields they may change. */
  getValue(): ConnectionChange {
    const values: ConnectionChange = {};
    for (const [name, input] of this._inputs) {
      if (!input.readOnly) {
        values[name] = input.value.trim();
      }
    }
    return values;
  }

  private _field(
    trans: TranslationBundle,
    settings: IConnectionSettings,
    address: IAddress,
    entered: string | undefined
  ): HTMLElement {
    const doc = this.node.ownerDocument;
    const label = doc.createElement('label');
    label.className = 'jp-wopi-configure-field';
    label.appendChild(
      paragraph(FIELD_LABELS[address.name](trans), 'jp-wopi-configure-label')
    );
    const input = doc.createElement('input');
    input.type = 'url';
    input.name = address.name;
    input.className = 'jp-mod-styled';
    input.spellcheck = false;
    input.value = entered ?? (address.given || address.value);
    input.placeholder = placeholder(trans, settings, address.name);
    input.readOnly = !address.editable;
    label.appendChild(input);
    const source = sourceText(trans, address);
    if (source) {
      label.appendChild(paragraph(source, 'jp-wopi-configure-source'));
    }
    if (address.error) {
      label.appendChild(paragraph(address.error, 'jp-wopi-configure-error'));
    }
    this._inputs.set(address.name, input);
    return label;
  }

  private readonly _inputs = new Map<AddressName, HTMLInputElement>();
}

const FIELD_LABELS: Record<AddressName, (trans: TranslationBundle) => string> =
  {
    onlyoffice_url: trans =>
      trans.__('ONLYOFFICE Docs, as your browser reaches it'),
    onlyoffice_internal_url: trans =>
      trans.__('ONLYOFFICE Docs, as this Jupyter server reaches it (optional)'),
    base_url: trans =>
      trans.__('This Jupyter server, as ONLYOFFICE reaches it (optional)')
  };

function placeholder(
  trans: TranslationBundle,
  settings: IConnectionSettings,
  name: AddressName
): string {
  switch (name) {
    case 'onlyoffice_url':
      return 'http://localhost:8080/';
    case 'onlyoffice_internal_url':
      return trans.__('the same as the first address');
    case 'base_url':
      return settings.default_base_url;
  }
}

/** Where a value the user cannot change comes from, and where to change it. */
function sourceText(trans: TranslationBundle, address: IAddress): string {
  switch (address.source) {
    case 'environment':
      return trans.__(
        "Set by %1 in the server's environment; change it there.",
        address.variable
      );
    case 'config':
      return trans.__(
        "Set in Jupyter's configuration (c.JupyterWopi.%1); change it there.",
        address.name
      );
    default:
      return '';
  }
}

/** A paragraph of the page's document. */
function paragraph(text: string, className: string): HTMLElement {
  return element(document, 'p', className, text);
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
  const body = paragraph(
    `${what} ${settings.problem}`,
    'jp-wopi-configure-intro'
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
