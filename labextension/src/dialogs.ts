/**
 * Questions the panel asks the user in lab dialogs.
 */

import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { IConnectionReport } from './api';

/**
 * Ask before converting a view-only file (spec §7.1): ONLYOFFICE writes the
 * copy beside the original and leaves the original as it is.
 */
export async function confirmEditableCopy(
  trans: TranslationBundle,
  name: string,
  targetExtension: string
): Promise<boolean> {
  const result = await showDialog({
    title: trans.__('Convert to an editable copy?'),
    body: trans.__(
      'ONLYOFFICE Docs can only view %1. It can convert it to a new .%2 file beside it ' +
        'and open that for editing; %1 stays as it is.',
      name,
      targetExtension
    ),
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({ label: trans.__('Convert to editable copy') })
    ]
  });
  return result.button.accept;
}

/** The connection doctor's findings, problems first. */
export async function showConnectionReport(
  trans: TranslationBundle,
  report: IConnectionReport
): Promise<void> {
  const rank = { error: 0, warning: 1, skipped: 2, ok: 3 };
  const list = document.createElement('ul');
  list.className = 'jp-wopi-report';
  for (const check of [...report.checks].sort(
    (a, b) => rank[a.verdict] - rank[b.verdict]
  )) {
    const item = document.createElement('li');
    item.dataset.verdict = check.verdict;
    const hop = document.createElement('strong');
    hop.textContent = `${check.hop}: `;
    item.append(hop, check.message);
    list.appendChild(item);
  }
  await showDialog({
    title: report.ok
      ? trans.__('The connection to ONLYOFFICE Docs works')
      : trans.__('The connection to ONLYOFFICE Docs has a problem'),
    body: new Widget({ node: list }),
    buttons: [Dialog.okButton()]
  });
}
