/**
 * The connection doctor in the lab: "Check ONLYOFFICE Connection" (command
 * palette, Help menu) and a panel's "Check the connection" run the same
 * check in the same dialog, whether or not a document is open. The dialog
 * opens at once and lists the server's steps as it takes them (a few
 * seconds, longer when a hop times out), then its verdict per hop. A failing
 * hop about an address the lab may set offers Change Address…, which leads
 * to ONLYOFFICE Settings with that field marked.
 */

import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, type ICommandPalette } from '@jupyterlab/apputils';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { checkConnection } from './api';
import { mayChangeAddress } from './configure';
import { CommandIDs } from './tokens';
import { renderVerdict } from './verdict';
import type { IConnectionCheck, IConnectionReport } from './wire';

/** The check under way: asking again while its dialog is open shows that one. */
let running: Promise<boolean> | null = null;

/**
 * Run the server's connection doctor and show what it finds. Resolves true
 * when the user chose Change Address… (the caller opens ONLYOFFICE Settings).
 */
export function runConnectionCheck(
  trans: TranslationBundle,
  serverSettings: ServerConnection.ISettings
): Promise<boolean> {
  running =
    running ??
    check(trans, serverSettings).finally(() => {
      running = null;
    });
  return running;
}

/** The check, then ONLYOFFICE Settings if the user chose Change Address…. */
export async function checkThenConfigure(
  trans: TranslationBundle,
  serverSettings: ServerConnection.ISettings,
  configure: () => Promise<unknown>
): Promise<void> {
  if (await runConnectionCheck(trans, serverSettings)) {
    await configure();
  }
}

async function check(
  trans: TranslationBundle,
  serverSettings: ServerConnection.ISettings
): Promise<boolean> {
  let changeAddress = false;
  const body = new ConnectionCheck(trans);
  const dialog = new Dialog({
    title: trans.__('Connection to ONLYOFFICE Docs'),
    body,
    buttons: [Dialog.okButton()]
  });
  const closed = dialog.launch();
  try {
    const report = await checkConnection(serverSettings, step =>
      body.showStep(step)
    );
    const changeable = await Promise.all(
      report.checks.map(c =>
        c.verdict === 'error' || c.verdict === 'warning'
          ? mayChangeAddress(serverSettings, c.setting)
          : false
      )
    );
    body.showReport(report, hop => changeable[report.checks.indexOf(hop)], {
      changeAddress: () => {
        changeAddress = true;
        dialog.resolve(0);
      }
    });
  } catch (error) {
    body.showFailure(error instanceof Error ? error.message : String(error));
  }
  await closed;
  dialog.dispose();
  return changeAddress;
}

/** Where a problem sorts in the report: problems first. */
const RANK = { error: 0, warning: 1, skipped: 2, ok: 3 } as const;

/** The dialog's body: the steps while the check runs, then the verdict per hop. */
export class ConnectionCheck extends Widget {
  constructor(trans: TranslationBundle) {
    super();
    this._trans = trans;
    this.addClass('jp-wopi-connection-check');
    this._verdict.className = 'jp-wopi-report-verdict';
    this._verdict.setAttribute('role', 'status');
    this._verdict.textContent = trans.__(
      'Checking the connection to ONLYOFFICE Docs…'
    );
    this._list.className = 'jp-wopi-report-steps';
    this.node.append(this._verdict, this._list);
  }

  /** A step the server has started. */
  showStep(step: string): void {
    const item = document.createElement('li');
    item.textContent = step;
    this._list.appendChild(item);
  }

  /**
   * The verdict, problems first; each failure names the setting that fixes
   * it, and offers Change Address… where `changeable` says the lab may.
   */
  showReport(
    report: IConnectionReport,
    changeable: (check: IConnectionCheck) => boolean = () => false,
    actions: { readonly changeAddress?: () => void } = {}
  ): void {
    this._verdict.dataset.ok = String(report.ok);
    this._verdict.textContent = report.ok
      ? this._trans.__('The connection to ONLYOFFICE Docs works.')
      : this._trans.__('The connection to ONLYOFFICE Docs has a problem.');
    const list = document.createElement('ul');
    list.className = 'jp-wopi-report';
    for (const check of [...report.checks].sort(
      (a, b) => RANK[a.verdict] - RANK[b.verdict]
    )) {
      const item = document.createElement('li');
      item.dataset.verdict = check.verdict;
      const hop = document.createElement('strong');
      hop.textContent = `${check.hop}: `;
      const verdict = renderVerdict(document, this._trans, check, {
        changeAddress: changeable(check) ? actions.changeAddress : undefined
      });
      verdict.firstElementChild?.prepend(hop); // "hop: headline" on one line
      item.appendChild(verdict);
      list.appendChild(item);
    }
    this._list.replaceWith(list);
  }

  /** The server could not be asked: its sentence says why. */
  showFailure(message: string): void {
    this._verdict.dataset.ok = 'false';
    this._verdict.textContent = this._trans.__(
      'The connection to ONLYOFFICE Docs could not be checked.'
    );
    const reason = document.createElement('p');
    reason.className = 'jp-wopi-report-failure';
    reason.textContent = message;
    this._list.replaceWith(reason);
  }

  private readonly _trans: TranslationBundle;
  private readonly _verdict = document.createElement('p');
  private readonly _list = document.createElement('ol');
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
    execute: () =>
      checkThenConfigure(trans, services.serverSettings, () =>
        app.commands.execute(CommandIDs.configure)
      )
  });
  services.palette?.addItem({
    command: CommandIDs.checkConnection,
    category: trans.__('ONLYOFFICE')
  });
}
