/**
 * The bar of notices above the editor (theme changed, token expiring...),
 * one per key so showing a notice again replaces it.
 */

import type { IOfficeEnvironment } from './tokens';
import { createNotice, type IAction } from './views';

export interface INotice {
  readonly text: string;
  readonly actions: readonly IAction[];
}

/** What a part of a panel needs to tell the user about the file. */
export interface INoticeContext {
  readonly env: IOfficeEnvironment;
  readonly notices: NoticeBar;
  /** The file's name now: it follows renames. */
  fileName(): string;
}

export class NoticeBar {
  readonly node: HTMLElement;

  constructor(dismissLabel = 'Dismiss') {
    this.node = document.createElement('div');
    this.node.className = 'jp-wopi-panel-notices';
    // A notice arrives while the user works in the editor: read out when it
    // is added (a live region must be there before what it announces).
    this.node.setAttribute('aria-live', 'polite');
    this._dismissLabel = dismissLabel;
  }

  show(key: string, notice: INotice): void {
    this.hide(key);
    const bar = createNotice(this.node.ownerDocument, {
      ...notice,
      // An action usually makes the notice moot (it reloads the editor).
      actions: notice.actions.map(action => ({
        ...action,
        run: () => {
          this.hide(key);
          action.run();
        }
      })),
      dismissLabel: this._dismissLabel,
      onDismiss: () => this.hide(key)
    });
    bar.dataset.notice = key;
    this._bars.set(key, bar);
    this.node.appendChild(bar);
  }

  hide(key: string): void {
    this._bars.get(key)?.remove();
    this._bars.delete(key);
  }

  clear(): void {
    this._bars.forEach(bar => bar.remove());
    this._bars.clear();
  }

  has(key: string): boolean {
    return this._bars.has(key);
  }

  private readonly _dismissLabel: string;
  private readonly _bars = new Map<string, HTMLElement>();
}
