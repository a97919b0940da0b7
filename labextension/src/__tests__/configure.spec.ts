/**
 * ONLYOFFICE Settings: which addresses the user may change, what is sent,
 * and what each field says: a refusal, its last verdict, or the address it
 * most likely means.
 */

import { nullTranslator } from '@jupyterlab/translation';

import {
  AddressForm,
  type IAddressFormOptions,
  withScheme
} from '../addressForm';
import type { IConnectionSettings } from '../wire';

import { address, check } from './fixtures';

const trans = nullTranslator.load('jupyter_wopi');

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
    problem:
      'ONLYOFFICE Docs is not configured: enter the ONLYOFFICE Docs address in ' +
      'ONLYOFFICE Settings (the Settings menu or the command palette).',
    ...overrides
  };
}

function form(options: Partial<IAddressFormOptions> = {}): AddressForm {
  return new AddressForm({ trans, settings: settings(), ...options });
}

function input(body: AddressForm, name: string): HTMLInputElement {
  return body.node.querySelector(`input[name="${name}"]`) as HTMLInputElement;
}

describe('AddressForm', () => {
  it('sends only the addresses the user may change, trimmed', () => {
    const body = form();
    input(body, 'onlyoffice_url').value = '  http://localhost:8080 ';
    input(body, 'base_url').value = '';
    expect(body.getValue()).toEqual({
      onlyoffice_url: 'http://localhost:8080',
      base_url: ''
    });
  });

  it('labels each field with the words the messages use', () => {
    const body = form();
    const label = body.node.querySelector(
      `label[for="${input(body, 'onlyoffice_url').id}"]`
    );
    expect(label?.textContent).toBe(
      'ONLYOFFICE Docs address, as your browser reaches it'
    );
  });

  it("shows an administrator's address read-only, with where to change it", () => {
    const body = form();
    const fixed = input(body, 'onlyoffice_internal_url');
    expect(fixed.readOnly).toBe(true);
    expect(fixed.value).toBe('http://office.internal/');
    expect(body.node.textContent).toContain(
      "Set by JUPYTER_WOPI_ONLYOFFICE_INTERNAL_URL in the server's environment"
    );
    expect(input(body, 'base_url').placeholder).toBe('http://127.0.0.1:8888/');
  });

  it('never tells the user to open the dialog they are in', () => {
    expect(form().node.textContent).not.toContain('ONLYOFFICE Settings');
    expect(input(form(), 'onlyoffice_url').matches(':focus')).toBe(false);
    expect(form().focusSelector).toBe('input[name="onlyoffice_url"]');
  });

  it('shows a refused value as given, with the reason', () => {
    const body = form({
      settings: settings({
        addresses: [
          address({
            name: 'onlyoffice_url',
            source: 'environment',
            given: 'office:8000',
            error:
              "JUPYTER_WOPI_ONLYOFFICE_URL in the server's environment must be an absolute http(s) URL",
            editable: false
          })
        ]
      })
    });
    expect(input(body, 'onlyoffice_url').value).toBe('office:8000');
    expect(body.node.textContent).toContain('must be an absolute http(s) URL');
  });

  it('keeps what was typed and says why the server refused it', () => {
    const body = form({
      entered: { onlyoffice_url: 'http://office/?x' },
      error: 'The ONLYOFFICE Docs address must be an absolute http(s) URL'
    });
    expect(input(body, 'onlyoffice_url').value).toBe('http://office/?x');
    expect(
      body.node.querySelector('.jp-wopi-configure-error')?.textContent
    ).toContain('must be an absolute');
    expect(body.node.textContent).not.toContain('is not configured');
  });

  it('offers an address typed without its scheme corrected, saving in one click', () => {
    const body = form({
      entered: { onlyoffice_url: 'localhost:8090' },
      corrections: { onlyoffice_url: 'http://localhost:8090/' }
    });
    const submitted = jest.fn();
    body.onSubmit = submitted;
    const field = input(body, 'onlyoffice_url');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(body.focusSelector).toBe('input[name="onlyoffice_url"]');
    const note = body.node.querySelector(
      `#${field.getAttribute('aria-describedby')}`
    );
    expect(note?.textContent).toContain('did you mean http://localhost:8090/?');
    const use = Array.from(body.node.querySelectorAll('button')).find(
      b => b.textContent === 'Use http://localhost:8090/'
    )!;
    use.click();
    expect(field.value).toBe('http://localhost:8090/');
    expect(submitted).toHaveBeenCalledTimes(1);
  });

  it('marks the field whose last check failed, with the verdict and what to use', () => {
    const failed = check({
      hop: 'onlyoffice → jupyter',
      verdict: 'error',
      message:
        'ONLYOFFICE cannot reach this Jupyter server at http://j.example/.',
      setting: 'base_url',
      fix: 'ONLYOFFICE reaches it at http://localhost:8888/: set it to that.',
      suggestion: 'http://localhost:8888/',
      more: ['A firewall blocks it.']
    });
    const base = address({
      name: 'base_url',
      source: 'lab',
      value: 'http://j.example/',
      last_check: failed
    });
    const body = form({
      settings: settings({
        addresses: [
          address({
            name: 'onlyoffice_url',
            value: 'http://o/',
            last_check: check({
              hop: 'jupyter → onlyoffice',
              verdict: 'ok',
              message: 'Fine.',
              setting: 'onlyoffice_url'
            })
          }),
          base
        ]
      })
    });
    expect(body.focusSelector).toBe('input[name="base_url"]'); // the failing one
    const field = input(body, 'base_url');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    const note = body.node.querySelector(
      `#${field.getAttribute('aria-describedby')}`
    )!;
    expect(note.textContent).toContain('At the last check:');
    expect(note.textContent).toContain('cannot reach this Jupyter server');
    expect(note.querySelector('details')?.textContent).toBe(
      'MoreA firewall blocks it.'
    );
    expect(body.node.textContent).toContain('Worked at the last check.');
    body.onSubmit = jest.fn();
    (note.querySelector('button') as HTMLButtonElement).click();
    expect(field.value).toBe('http://localhost:8888/');
    expect(body.onSubmit).toHaveBeenCalledTimes(1);
  });

  it('shows no old verdict beside a value typed since', () => {
    const body = form({
      entered: { base_url: 'http://other/' },
      settings: settings({
        addresses: [
          address({
            name: 'base_url',
            value: 'http://j.example/',
            last_check: check({ hop: 'x', verdict: 'error', message: 'Old.' })
          })
        ]
      })
    });
    expect(body.node.textContent).not.toContain('Old.');
  });

  it('says why nothing may be changed when the administrator decided so', () => {
    const locked = settings({
      lab_may_change: false,
      why_not: 'The administrator set the ONLYOFFICE addresses for everyone.',
      problem:
        'ONLYOFFICE Docs is not configured: set JUPYTER_WOPI_ONLYOFFICE_URL.',
      addresses: settings().addresses.map(a => ({ ...a, editable: false }))
    });
    const body = form({ settings: locked });
    expect(body.node.textContent).toContain('for everyone');
    expect(body.node.textContent).toContain('set JUPYTER_WOPI_ONLYOFFICE_URL');
    expect(body.getValue()).toEqual({});
    expect(body.focusSelector).toBe('');
  });
});

describe('withScheme', () => {
  it.each([
    ['localhost:8090', 'http://localhost:8090/'],
    [' office.example.com/docs ', 'http://office.example.com/docs/'],
    ['office:443', 'https://office:443/'],
    ['http://office:port/', ''],
    ['office:port', ''],
    ['off ice', ''],
    ['', '']
  ])('reads %p as %p, as the server does', (typed, meant) => {
    expect(withScheme(typed)).toBe(meant);
  });
});
