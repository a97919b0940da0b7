/**
 * ONLYOFFICE Settings: which addresses the user may change, and what is sent.
 */

import { nullTranslator } from '@jupyterlab/translation';

import { AddressForm } from '../configure';
import type { IAddress, IConnectionSettings } from '../wire';

const trans = nullTranslator.load('jupyter_wopi');

function address(
  overrides: Partial<IAddress> & Pick<IAddress, 'name'>
): IAddress {
  return {
    value: '',
    source: 'default',
    given: '',
    error: '',
    variable: `JUPYTER_WOPI_${overrides.name.toUpperCase()}`,
    editable: true,
    ...overrides
  };
}

function settings(
  overrides: Partial<IConnectionSettings> = {}
): IConnectionSettings {
  return {
    lab_may_change: true,
    why_not: '',
    addresses: [
      address({ name: 'onlyoffice_url' }),
      address({
        name: 'onlyoffice_internal_url',
        value: 'http://office.internal/',
        source: 'environment',
        editable: false
      }),
      address({
        name: 'base_url',
        source: 'lab',
        value: 'http://j.example/'
      })
    ],
    default_base_url: 'http://127.0.0.1:8888/',
    configured: false,
    problem: 'ONLYOFFICE Docs is not configured.',
    ...overrides
  };
}

function input(form: AddressForm, name: string): HTMLInputElement {
  return form.node.querySelector(`input[name="${name}"]`) as HTMLInputElement;
}

describe('AddressForm', () => {
  it('sends only the addresses the user may change, trimmed', () => {
    const form = new AddressForm(trans, settings(), {}, '');
    input(form, 'onlyoffice_url').value = '  http://localhost:8080 ';
    input(form, 'base_url').value = '';
    expect(form.getValue()).toEqual({
      onlyoffice_url: 'http://localhost:8080',
      base_url: ''
    });
  });

  it("shows an administrator's address read-only, with where to change it", () => {
    const form = new AddressForm(trans, settings(), {}, '');
    const fixed = input(form, 'onlyoffice_internal_url');
    expect(fixed.readOnly).toBe(true);
    expect(fixed.value).toBe('http://office.internal/');
    expect(form.node.textContent).toContain(
      "Set by JUPYTER_WOPI_ONLYOFFICE_INTERNAL_URL in the server's environment"
    );
    expect(input(form, 'base_url').placeholder).toBe('http://127.0.0.1:8888/');
  });

  it('shows a refused value as given, with the reason', () => {
    const refused = settings({
      addresses: [
        address({
          name: 'onlyoffice_url',
          source: 'environment',
          given: 'office:8000',
          error: 'JUPYTER_WOPI_ONLYOFFICE_URL must be an absolute http(s) URL',
          editable: false
        })
      ]
    });
    const form = new AddressForm(trans, refused, {}, '');
    expect(input(form, 'onlyoffice_url').value).toBe('office:8000');
    expect(form.node.textContent).toContain('must be an absolute http(s) URL');
  });

  it('keeps what was typed and says why the server refused it', () => {
    const form = new AddressForm(
      trans,
      settings(),
      { onlyoffice_url: 'office' },
      'JUPYTER_WOPI_ONLYOFFICE_URL must be an absolute http(s) URL'
    );
    expect(input(form, 'onlyoffice_url').value).toBe('office');
    expect(
      form.node.querySelector('.jp-wopi-configure-error')?.textContent
    ).toContain('must be an absolute');
    expect(form.node.textContent).not.toContain('is not configured');
  });

  it('says why nothing may be changed when the administrator decided so', () => {
    const locked = settings({
      lab_may_change: false,
      why_not: 'The administrator set the ONLYOFFICE addresses for everyone.',
      addresses: settings().addresses.map(a => ({ ...a, editable: false }))
    });
    const form = new AddressForm(trans, locked, {}, '');
    expect(form.node.textContent).toContain('for everyone');
    expect(form.getValue()).toEqual({});
  });
});
