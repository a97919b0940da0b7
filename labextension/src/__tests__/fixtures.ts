/**
 * What the server answers, shared by the specs that need the same answer,
 * and waiting for what a test expects.
 */

import type { IAddress, IConnectionCheck, IConnectionSettings } from '../wire';

export const ORIGIN = 'https://office.example.org';

/** The answer of `POST api/wopi/sessions` for a.docx, to edit. */
export const SESSION = {
  action_url: `${ORIGIN}/hosting/wopi/word/edit?wopisrc=x`,
  access_token: 'secret-token',
  access_token_ttl: Date.now() + 8 * 3600_000,
  favicon_url: null,
  onlyoffice_origin: ORIGIN,
  file_id: 'abc',
  file_name: 'a.docx',
  path: 'a.docx',
  mode: 'edit',
  action: 'edit',
  problem: null
};

/** One hop of the connection doctor's report. */
export function check(
  overrides: Partial<IConnectionCheck> &
    Pick<IConnectionCheck, 'hop' | 'verdict' | 'message'>
): IConnectionCheck {
  return { setting: '', fix: '', suggestion: '', more: [], ...overrides };
}

/** The connection doctor's report: one hop fails. */
export const REPORT = {
  ok: false,
  checks: [
    check({
      hop: 'ONLYOFFICE → Jupyter',
      verdict: 'error',
      message: 'Set JUPYTER_WOPI_BASE_URL.'
    })
  ]
};

/** Wait, a hundred turns of the event loop at most, for `condition`. */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
  expect(condition()).toBe(true);
}

/** One address as `api/wopi/connection` gives it. */
export function address(
  overrides: Partial<IAddress> & Pick<IAddress, 'name'>
): IAddress {
  return {
    value: '',
    source: 'default',
    given: '',
    error: '',
    variable: `JUPYTER_WOPI_${overrides.name.toUpperCase()}`,
    editable: true,
    last_check: null,
    ...overrides
  };
}

/** `api/wopi/connection`: the first address set in the lab, the others unset. */
export function connectionSettings(
  overrides: Partial<IConnectionSettings> = {}
): IConnectionSettings {
  return {
    lab_may_change: true,
    why_not: '',
    addresses: [
      address({
        name: 'onlyoffice_url',
        value: 'http://localhost:8080/',
        source: 'lab'
      }),
      address({ name: 'onlyoffice_internal_url' }),
      address({ name: 'base_url' })
    ],
    default_base_url: 'http://127.0.0.1:8888/',
    configured: true,
    problem: '',
    ...overrides
  };
}
