/**
 * Small DOM builders for what the panel shows around the editor frame:
 * the loading line, the error panel and notice bars, and the error a
 * panel shows when its file cannot be opened. Plain DOM keeps the panel
 * free of React for three static views.
 */

import type { TranslationBundle } from '@jupyterlab/translation';

import { SessionError } from './api';

/** Where a newcomer learns how to get an ONLYOFFICE Docs server. */
export const GET_AN_EDITOR_URL =
  'https://github.com/jupyter-wopi/jupyter_wopi#get-an-editor';

export interface IAction {
  readonly label: string;
  readonly run: () => void;
  /** The emphasised action of a group. */
  readonly primary?: boolean;
}

/** "Opening report.docx in ONLYOFFICE Docs…" with a spinner. */
export function renderLoading(host: HTMLElement, text: string): void {
  const doc = host.ownerDocument;
  const box = element(doc, 'div', 'jp-wopi-panel-loading');
  box.setAttribute('role', 'status');
  box.appendChild(element(doc, 'div', 'jp-wopi-panel-spinner'));
  box.appendChild(element(doc, 'p', 'jp-wopi-panel-message', text));
  host.replaceChildren(box);
}

/** A panel that says what went wrong, in the server's words, with actions. */
export function renderError(
  host: HTMLElement,
  options: {
    readonly title: string;
    readonly message: string;
    readonly actions: readonly IAction[];
  }
): HTMLButtonElement | null {
  const doc = host.ownerDocument;
  const box = element(doc, 'div', 'jp-wopi-panel-error');
  box.setAttribute('role', 'alert');
  box.appendChild(
    element(doc, 'h2', 'jp-wopi-panel-error-title', options.title)
  );
  box.appendChild(element(doc, 'p', 'jp-wopi-panel-message', options.message));
  const buttons = actionButtons(doc, options.actions);
  box.appendChild(buttons.node);
  host.replaceChildren(box);
  return buttons.first;
}

/** The ways out of a failed open that the panel can take. */
export interface IOpenErrorActions {
  readonly retry: () => void;
  /** Show ONLYOFFICE Settings. */
  readonly configure: () => void;
  /** Run the connection doctor. */
  readonly checkConnection: () => void;
  /** The lab may change the address Jupyter reaches ONLYOFFICE at. */
  readonly addressChangeable?: boolean;
}

/**
 * Why `name` could not be opened, in the server's words, with the actions
 * that can help.
 *
 * @returns the first button (the one activating the panel focuses).
 */
export function renderOpenError(
  host: HTMLElement,
  trans: TranslationBundle,
  name: string,
  error: unknown,
  ways: IOpenErrorActions
): HTMLButtonElement | null {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof SessionError && error.notConfigured) {
    // Retry cannot help: the address must be set (here, or by the admin).
    return renderError(host, {
      title: trans.__('ONLYOFFICE Docs is not set up'),
      message,
      actions: [
        {
          label: trans.__('ONLYOFFICE Settings…'),
          primary: true,
          run: ways.configure
        },
        {
          label: trans.__('How to Get ONLYOFFICE Docs'),
          run: () => window.open(GET_AN_EDITOR_URL, '_blank', 'noopener')
        }
      ]
    });
  }
  const actions: IAction[] = [
    { label: trans.__('Retry'), primary: true, run: ways.retry }
  ];
  if (error instanceof SessionError && error.status === 502) {
    // ONLYOFFICE unreachable from Jupyter: the doctor names the setting to
    // fix, and where the lab may set it, ONLYOFFICE Settings is at hand.
    const settings: IAction[] = ways.addressChangeable
      ? [{ label: trans.__('ONLYOFFICE Settings…'), run: ways.configure }]
      : [];
    actions.unshift(
      { label: trans.__('Check the connection'), run: ways.checkConnection },
      ...settings
    );
  }
  return renderError(host, {
    title: trans.__('%1 could not be opened in ONLYOFFICE Docs', name),
    message,
    actions
  });
}

/** A one-line bar above the editor with actions and a dismiss button. */
export function createNotice(
  doc: Document,
  options: {
    readonly text: string;
    readonly actions: readonly IAction[];
    readonly dismissLabel: string;
    readonly onDismiss: () => void;
  }
): HTMLElement {
  const bar = element(doc, 'div', 'jp-wopi-panel-notice');
  // Announced by the bar of notices it goes into (notices.ts): a group here.
  bar.setAttribute('role', 'group');
  bar.setAttribute('aria-label', options.text);
  bar.appendChild(
    element(doc, 'span', 'jp-wopi-panel-notice-text', options.text)
  );
  bar.appendChild(actionButtons(doc, options.actions).node);
  const dismiss = button(doc, '×', options.onDismiss, 'jp-wopi-panel-dismiss');
  dismiss.title = options.dismissLabel;
  dismiss.setAttribute('aria-label', options.dismissLabel);
  bar.appendChild(dismiss);
  return bar;
}

/** A row of buttons, the primary one emphasised. */
export function actionButtons(
  doc: Document,
  actions: readonly IAction[]
): { node: HTMLElement; first: HTMLButtonElement | null } {
  const node = element(doc, 'div', 'jp-wopi-panel-actions');
  let first: HTMLButtonElement | null = null;
  for (const action of actions) {
    const kind = action.primary ? 'jp-mod-accept' : 'jp-mod-reject';
    const item = button(doc, action.label, action.run, `jp-mod-styled ${kind}`);
    node.appendChild(item);
    first = first ?? item;
  }
  return { node, first };
}

function button(
  doc: Document,
  label: string,
  run: () => void,
  className: string
): HTMLButtonElement {
  const node = element(doc, 'button', className, label);
  node.type = 'button';
  node.addEventListener('click', run);
  return node;
}

/** An element of `doc` with a class and, optionally, its text. */
export function element<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  className: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  node.className = className;
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}
