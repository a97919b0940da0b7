/**
 * The watchdogs beside an editor session: the token's expiry warned of in
 * time, and a slow load's notice gone once the editor reports.
 */

import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';

import { NoticeBar } from '../notices';
import type { IOfficeEnvironment } from '../tokens';
import { ExpiryWatchdog, SlowLoadWatchdog } from '../watchdogs';

import { check, connectionSettings } from './fixtures';
import {
  FakeEnv,
  frameOf,
  fromEditor,
  openPanel,
  panel,
  submit,
  until,
  usePanels
} from './panelHarness';

const env = {
  trans: nullTranslator.load('jupyter_wopi'),
  serverSettings: ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: async () => new Promise<Response>(() => undefined) // never answers
  })
} as unknown as IOfficeEnvironment;

describe('ExpiryWatchdog', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('warns three minutes before the token expires, with Reopen', () => {
    const notices = new NoticeBar();
    const reopen = jest.fn();
    const ttl = Date.now() + 10 * 60_000;
    new ExpiryWatchdog({
      env,
      notices,
      fileName: () => 'a.docx',
      ttl,
      reopen
    });
    jest.advanceTimersByTime(7 * 60_000 - 1);
    expect(notices.has('expiry')).toBe(false);
    jest.advanceTimersByTime(1);
    expect(notices.node.textContent).toContain(
      'Access to a.docx expires in a few minutes.'
    );
    notices.node
      .querySelector<HTMLButtonElement>('button.jp-mod-accept')!
      .click();
    expect(reopen).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['a token without expiry', 0],
    ['an expiry beyond what a timer can wait', 10 ** 15]
  ])('sets no timer for %s', (_, ttl) => {
    const notices = new NoticeBar();
    new ExpiryWatchdog({
      env,
      notices,
      fileName: () => 'a.docx',
      ttl,
      reopen: () => undefined
    });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('says nothing once disposed', () => {
    const notices = new NoticeBar();
    const watchdog = new ExpiryWatchdog({
      env,
      notices,
      fileName: () => 'a.docx',
      ttl: Date.now() + 4 * 60_000,
      reopen: () => undefined
    });
    watchdog.dispose();
    jest.advanceTimersByTime(4 * 60_000);
    expect(notices.has('expiry')).toBe(false);
  });
});

describe('SlowLoadWatchdog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('shows the frame and says so when the editor is silent, until disposed', () => {
    const notices = new NoticeBar();
    const reveal = jest.fn();
    const watchdog = new SlowLoadWatchdog({
      env,
      notices,
      fileName: () => 'a.docx',
      delay: 20,
      reveal,
      retry: () => undefined
    });
    jest.advanceTimersByTime(20);
    expect(reveal).toHaveBeenCalledTimes(1);
    expect(notices.node.textContent).toContain(
      'ONLYOFFICE Docs has not reported that a.docx is open yet.'
    );
    watchdog.dispose(); // the editor reported after all
    expect(notices.has('slow')).toBe(false);
  });
});

describe('SlowLoadWatchdog, in a panel', () => {
  usePanels();

  it('asks the doctor why when the editor stays silent, and says it', async () => {
    const env = new FakeEnv([]);
    env.report = {
      ok: false,
      checks: [
        check({ hop: 'settings', verdict: 'ok', message: 'fine' }),
        check({
          hop: 'onlyoffice → jupyter',
          verdict: 'error',
          message: 'ONLYOFFICE cannot reach this Jupyter server at http://x/.',
          setting: 'base_url',
          fix: "ONLYOFFICE reaches it at http://j/: set this Jupyter server's address for ONLYOFFICE to that.",
          suggestion: 'http://j/',
          more: ['A firewall.']
        })
      ]
    };
    env.connection = connectionSettings();
    openPanel(env, 'docs/a.docx', 20);
    await until(() => submit.mock.calls.length === 1);
    await until(() => env.doctorRequests === 1);
    const notice = () =>
      panel.node.querySelector('[data-notice=slow]')?.textContent ?? '';
    await until(() => notice().includes('cannot reach this Jupyter server'));
    // The headline and the likely fix; the other causes stay in the check.
    expect(notice()).toContain('a.docx has not opened');
    expect(notice()).toContain('ONLYOFFICE reaches it at http://j/');
    expect(notice()).not.toContain('A firewall.');
    // The address is one the lab may set: ONLYOFFICE Settings is at hand.
    const settings = Array.from(
      panel.node.querySelectorAll('[data-notice=slow] button')
    ).find(b => b.textContent === 'ONLYOFFICE Settings…') as HTMLButtonElement;
    settings.click();
    expect(env.configureConnection).toHaveBeenCalledTimes(1);
    expect(panel.state).toBe('ready'); // the frame shows: ONLYOFFICE's own error
    expect(panel.saveState.mode).toBeNull(); // nothing to say about saving yet
    // The editor reports after all: the notice goes.
    fromEditor(frameOf(panel), 'App_LoadingStatus');
    expect(panel.node.querySelector('[data-notice=slow]')).toBeNull();
    expect(panel.saveState.mode).toBe('edit');
  });
});
