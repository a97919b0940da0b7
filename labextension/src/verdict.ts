/**
 * One verdict of the connection doctor as people read it: its headline
 * sentence, then what to set (with the likely right value as a button where
 * the server could tell), and the other likely causes folded behind "More".
 * Shared by the check's report and the ONLYOFFICE Settings fields.
 */

import type { TranslationBundle } from '@jupyterlab/translation';

import { element } from './views';
import type { IConnectionCheck } from './wire';

export interface IVerdictActions {
  /** Put the suggested value into its field (the Settings dialog). */
  readonly use?: (value: string) => void;
  /** Go to the field the verdict is about (the check's report). */
  readonly changeAddress?: () => void;
}

/** The verdict's sentences and buttons, in a `<div>` of `doc`. */
export function renderVerdict(
  doc: Document,
  trans: TranslationBundle,
  check: IConnectionCheck,
  actions: IVerdictActions = {}
): HTMLElement {
  const box = element(doc, 'div', 'jp-wopi-verdict');
  box.dataset.verdict = check.verdict;
  box.appendChild(element(doc, 'p', 'jp-wopi-verdict-message', check.message));
  if (check.fix) {
    box.appendChild(element(doc, 'p', 'jp-wopi-verdict-fix', check.fix));
  }
  const buttons = element(doc, 'div', 'jp-wopi-verdict-actions');
  const { use, changeAddress } = actions;
  if (use && check.suggestion) {
    buttons.appendChild(
      button(doc, trans.__('Use %1', check.suggestion), () =>
        use(check.suggestion)
      )
    );
  }
  if (changeAddress) {
    buttons.appendChild(
      button(doc, trans.__('Change Address…'), changeAddress)
    );
  }
  if (buttons.childElementCount) {
    box.appendChild(buttons);
  }
  if (check.more.length) {
    // <details> opens and closes by keyboard and tells screen readers so.
    const more = element(doc, 'details', 'jp-wopi-verdict-more');
    more.appendChild(element(doc, 'summary', '', trans.__('More')));
    const list = element(doc, 'ul', '');
    for (const cause of check.more) {
      list.appendChild(element(doc, 'li', '', cause));
    }
    more.appendChild(list);
    box.appendChild(more);
  }
  return box;
}

function button(
  doc: Document,
  label: string,
  run: () => void
): HTMLButtonElement {
  const node = element(doc, 'button', 'jp-mod-styled jp-mod-reject', label);
  node.type = 'button';
  node.addEventListener('click', run);
  return node;
}
