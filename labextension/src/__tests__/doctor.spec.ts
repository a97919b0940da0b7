/**
 * The connection doctor's dialog body: the steps while the check runs, then
 * the verdict per hop with problems first, or why it could not run.
 */

import { nullTranslator } from '@jupyterlab/translation';

import { ConnectionCheck } from '../doctor';

import { check } from './fixtures';

const trans = nullTranslator.load('jupyter_wopi');

describe('ConnectionCheck', () => {
  it('lists the steps while the check runs', () => {
    const body = new ConnectionCheck(trans);
    expect(body.node.textContent).toBe(
      'Checking the connection to ONLYOFFICE Docs…'
    );
    body.showStep('Reading the settings');
    body.showStep('Jupyter → ONLYOFFICE: fetching discovery');
    expect(
      Array.from(body.node.querySelectorAll('li')).map(li => li.textContent)
    ).toEqual([
      'Reading the settings',
      'Jupyter → ONLYOFFICE: fetching discovery'
    ]);
  });

  it('then shows the verdict per hop, problems first', () => {
    const body = new ConnectionCheck(trans);
    body.showStep('Reading the settings');
    body.showReport({
      ok: false,
      checks: [
        check({ hop: 'settings', verdict: 'ok', message: 'Fine.' }),
        check({ hop: 'proof keys', verdict: 'warning', message: 'Old keys.' }),
        check({
          hop: 'onlyoffice → jupyter',
          verdict: 'error',
          message: 'Set JUPYTER_WOPI_BASE_URL.'
        })
      ]
    });
    const verdict = body.node.querySelector('[role=status]');
    expect(verdict?.textContent).toBe(
      'The connection to ONLYOFFICE Docs has a problem.'
    );
    const items = Array.from(body.node.querySelectorAll('.jp-wopi-report li'));
    expect(items.map(li => li.getAttribute('data-verdict'))).toEqual([
      'error',
      'warning',
      'ok'
    ]);
    expect(items[0].textContent).toBe(
      'onlyoffice → jupyter: Set JUPYTER_WOPI_BASE_URL.'
    );
    expect(body.node.querySelector('.jp-wopi-report-steps')).toBeNull();
  });

  it('shows the headline, the likely fix and, behind More, the other causes', () => {
    const body = new ConnectionCheck(trans);
    const changeAddress = jest.fn();
    const failing = check({
      hop: 'onlyoffice → jupyter',
      verdict: 'error',
      message: 'ONLYOFFICE cannot reach this Jupyter server at http://j/.',
      setting: 'base_url',
      fix: 'ONLYOFFICE reaches it at http://localhost:8888/: set it to that.',
      suggestion: 'http://localhost:8888/',
      more: ['A firewall.', 'DNS.']
    });
    body.showReport(
      {
        ok: false,
        checks: [
          check({ hop: 'settings', verdict: 'ok', message: 'Fine.' }),
          failing
        ]
      },
      hop => hop === failing,
      { changeAddress }
    );
    const item = body.node.querySelector('li[data-verdict=error]')!;
    expect(item.querySelector('.jp-wopi-verdict-message')?.textContent).toBe(
      'onlyoffice → jupyter: ONLYOFFICE cannot reach this Jupyter server at http://j/.'
    );
    expect(item.querySelector('.jp-wopi-verdict-fix')?.textContent).toContain(
      'http://localhost:8888/'
    );
    const more = item.querySelector('details')!;
    expect(more.open).toBe(false); // folded until asked for
    expect(more.querySelector('summary')?.textContent).toBe('More');
    expect(more.querySelectorAll('li')).toHaveLength(2);
    // Change Address… only where the lab may change the address.
    const buttons = Array.from(body.node.querySelectorAll('button'));
    expect(buttons.map(b => b.textContent)).toEqual(['Change Address…']);
    buttons[0].click();
    expect(changeAddress).toHaveBeenCalledTimes(1);
  });

  it('offers no Change Address… for an address the lab may not set', () => {
    const body = new ConnectionCheck(trans);
    body.showReport(
      {
        ok: false,
        checks: [
          check({
            hop: 'jupyter → onlyoffice',
            verdict: 'error',
            message: 'Down.',
            setting: 'onlyoffice_internal_url'
          })
        ]
      },
      () => false,
      { changeAddress: jest.fn() }
    );
    expect(body.node.querySelector('button')).toBeNull();
  });

  it('says when the check could not run, and why', () => {
    const body = new ConnectionCheck(trans);
    body.showFailure('The Jupyter server could not be reached.');
    expect(body.node.textContent).toBe(
      'The connection to ONLYOFFICE Docs could not be checked.' +
        'The Jupyter server could not be reached.'
    );
  });
});
