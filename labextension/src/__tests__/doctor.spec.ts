/**
 * The connection doctor's dialog body: the steps while the check runs, then
 * the verdict per hop with problems first, or why it could not run.
 */

import { nullTranslator } from '@jupyterlab/translation';

import { ConnectionCheck } from '../doctor';

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
        { hop: 'settings', verdict: 'ok', message: 'Fine.' },
        { hop: 'proof keys', verdict: 'warning', message: 'Old keys.' },
        {
          hop: 'onlyoffice → jupyter',
          verdict: 'error',
          message: 'Set JUPYTER_WOPI_BASE_URL.'
        }
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

  it('says when the check could not run, and why', () => {
    const body = new ConnectionCheck(trans);
    body.showFailure('The Jupyter server could not be reached.');
    expect(body.node.textContent).toBe(
      'The connection to ONLYOFFICE Docs could not be checked.' +
        'The Jupyter server could not be reached.'
    );
  });
});
