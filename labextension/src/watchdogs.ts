/**
 * The panel's watchdogs, timers beside an editor session: one notices an
 * editor that stays silent (and asks the connection doctor why), the other
 * warns before the access token expires. Each says so in a notice.
 */

import type { IDisposable } from '@lumino/disposable';

import { checkConnection } from './api';
import { mayChangeAddress } from './configure';
import { checkThenConfigure } from './doctor';
import type { INoticeContext } from './notices';

/**
 * Without App_LoadingStatus by then, show the frame (it may hold ONLYOFFICE's
 * own error page) and ask the connection doctor why: ONLYOFFICE's editor
 * reports within a second or two when it can reach Jupyter.
 */
export const SLOW_LOAD_MS = 8_000;

/** ONLYOFFICE ends sessions about 2 minutes before the token expires (spec §3.1). */
const EXPIRY_WARNING_MS = 3 * 60_000;

/** setTimeout fires at once beyond this delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ISlowLoadOptions extends INoticeContext {
  /** Milliseconds to wait for App_LoadingStatus. */
  readonly delay: number;
  /** Show the frame, whatever it holds. */
  readonly reveal: () => void;
  readonly retry: () => void;
}

/**
 * Fires when the editor has not reported by `delay`; dispose it once the
 * editor has (its notice goes with it).
 */
export class SlowLoadWatchdog implements IDisposable {
  constructor(options: ISlowLoadOptions) {
    this._options = options;
    this._timer = setTimeout(() => this._onSlowLoad(), options.delay);
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    this._disposed = true;
    clearTimeout(this._timer);
    this._options.notices.hide('slow'); // only this watchdog shows it
  }

  private _onSlowLoad(): void {
    const { env, notices, reveal, retry } = this._options;
    reveal();
    const trans = env.trans;
    const name = this._options.fileName();
    const configure = () => env.configureConnection();
    const actions = [
      {
        label: trans.__('Check the connection'),
        run: () => void checkThenConfigure(trans, env.serverSettings, configure)
      },
      { label: trans.__('Retry'), primary: true, run: () => retry() }
    ];
    notices.show('slow', {
      text: trans.__(
        'ONLYOFFICE Docs has not reported that %1 is open yet. Checking the ' +
          'connection…',
        name
      ),
      actions
    });
    // The doctor says in a few seconds what is wrong (usually: ONLYOFFICE
    // cannot reach Jupyter), while ONLYOFFICE's own page shows only an error.
    void checkConnection(env.serverSettings)
      .then(async report => {
        const problem = report.checks.find(check => check.verdict === 'error');
        // The failure is about an address the lab may set: Settings is at hand.
        const settings =
          problem &&
          (await mayChangeAddress(env.serverSettings, problem.setting))
            ? [
                {
                  label: trans.__('ONLYOFFICE Settings…'),
                  run: () => void configure()
                }
              ]
            : [];
        if (this._disposed) {
          return; // loaded meanwhile, or another session
        }
        notices.show('slow', {
          text: problem
            ? trans.__(
                '%1 has not opened. The connection check found why: %2',
                name,
                [problem.message, problem.fix].filter(Boolean).join(' ')
              )
            : trans.__(
                'ONLYOFFICE Docs has not reported that %1 is open, although the ' +
                  'connection check passes. If the editor shows an error, Retry.',
                name
              ),
          actions: [...settings, ...actions]
        });
      })
      .catch(() => undefined); // the notice already offers the check and Retry
  }

  private readonly _options: ISlowLoadOptions;
  private readonly _timer: ReturnType<typeof setTimeout>;
  private _disposed = false;
}

export interface IExpiryOptions extends INoticeContext {
  /** Milliseconds since the epoch at which the token expires; 0: never. */
  readonly ttl: number;
  readonly reopen: () => void;
}

/** Warns before ONLYOFFICE ends the session for an expired token. */
export class ExpiryWatchdog implements IDisposable {
  constructor(options: IExpiryOptions) {
    const delay = options.ttl - EXPIRY_WARNING_MS - Date.now();
    if (options.ttl <= 0 || delay > MAX_TIMER_MS) {
      return;
    }
    this._timer = setTimeout(
      () => {
        const { env, notices, fileName, reopen } = options;
        const trans = env.trans;
        notices.show('expiry', {
          text: trans.__(
            'Access to %1 expires in a few minutes. Reopen the editor to keep working.',
            fileName()
          ),
          actions: [{ label: trans.__('Reopen'), primary: true, run: reopen }]
        });
      },
      Math.max(0, delay)
    );
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    this._disposed = true;
    clearTimeout(this._timer);
  }

  private _timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private _disposed = false;
}
