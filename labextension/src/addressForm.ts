/**
 * The body of ONLYOFFICE Settings: one field per address, each with where
 * its value comes from, why it was refused, and its last verdict (the
 * connection check's, or opening a file's), so that a saved address that
 * fails shows it here. An address typed without its scheme
 * ("localhost:8090") is offered corrected, one click away.
 */

import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { renderVerdict } from './verdict';
import { element } from './views';
import type {
  AddressName,
  ConnectionChange,
  IAddress,
  IConnectionSettings
} from './wire';

/** Field ids stay unique when two dialogs exist at once. */
let fieldCount = 0;

/** The field labels; the server's sentences use the same words (addresses.py). */
export const FIELD_LABELS: Record<
  AddressName,
  (trans: TranslationBundle) => string
> = {
  onlyoffice_url: trans =>
    trans.__('ONLYOFFICE Docs address, as your browser reaches it'),
  onlyoffice_internal_url: trans =>
    trans.__('ONLYOFFICE Docs address for this Jupyter server (optional)'),
  base_url: trans =>
    trans.__("This Jupyter server's address for ONLYOFFICE (optional)")
};

/**
 * What an address typed without its scheme most likely means
 * ("localhost:8090" → "http://localhost:8090/"), as the server's
 * `corrected` reads it; "" when adding one does not make a usable URL.
 */
export function withScheme(typed: string): string {
  const value = typed.trim();
  if (!value || value.includes('://') || /[\s?#]/.test(value)) {
    return '';
  }
  let url: URL;
  try {
    url = new URL(`http://${value}`);
  } catch {
    return '';
  }
  if (!url.hostname) {
    return '';
  }
  const scheme = url.port === '443' ? 'https' : 'http';
  return `${scheme}://${value}`.replace(/\/+$/, '') + '/';
}

export interface IAddressFormOptions {
  readonly trans: TranslationBundle;
  readonly settings: IConnectionSettings;
  /** What the user typed last time, by field. */
  readonly entered?: ConnectionChange;
  /** The server's refusal of the last Save. */
  readonly error?: string;
  /** Corrected values for fields typed without a scheme. */
  readonly corrections?: ConnectionChange;
}

export class AddressForm extends Widget {
  constructor(options: IAddressFormOptions) {
    super();
    const { trans, settings, error } = options;
    this._trans = trans;
    this.addClass('jp-wopi-configure');
    this.node.appendChild(
      paragraph(
        settings.lab_may_change
          ? trans.__(
              'Where this Jupyter server finds ONLYOFFICE Docs. Only the first ' +
                'address is needed when the browser, Jupyter and ONLYOFFICE reach ' +
                'each other by the same names.'
            )
          : settings.why_not,
        'jp-wopi-configure-intro'
      )
    );
    if (error) {
      this.node.appendChild(paragraph(error, 'jp-wopi-configure-error'));
    } else if (!settings.lab_may_change && settings.problem) {
      // Only the administrator can help (the sentence names their setting).
      this.node.appendChild(
        paragraph(settings.problem, 'jp-wopi-configure-problem')
      );
    }
    for (const address of settings.addresses) {
      this.node.appendChild(this._field(settings, address, options));
    }
  }

  /**
   * The field the keyboard goes to first: the first one the user may change
   * that needs attention, else the first one they may change.
   */
  get focusSelector(): string {
    const editable = [...this._inputs.values()].filter(i => !i.readOnly);
    const first =
      editable.find(i => i.getAttribute('aria-invalid') === 'true') ??
      editable[0];
    return first ? `input[name="${first.name}"]` : '';
  }

  /** Called when a suggested value was chosen: save and check it at once. */
  onSubmit: () => void = () => undefined;

  /** What the user typed in the fields they may change. */
  getValue(): ConnectionChange {
    const values: ConnectionChange = {};
    for (const [name, input] of this._inputs) {
      if (!input.readOnly) {
        values[name] = input.value.trim();
      }
    }
    return values;
  }

  private _field(
    settings: IConnectionSettings,
    address: IAddress,
    options: IAddressFormOptions
  ): HTMLElement {
    const trans = this._trans;
    const doc = this.node.ownerDocument;
    const field = element(doc, 'div', 'jp-wopi-configure-field');
    const id = `jp-wopi-configure-${address.name}-${++fieldCount}`;
    const label = element(
      doc,
      'label',
      'jp-wopi-configure-label',
      FIELD_LABELS[address.name](trans)
    );
    label.htmlFor = id;
    const input = element(doc, 'input', 'jp-mod-styled');
    input.id = id;
    // Text, not "url": the dialog would disable Save for "localhost:8090",
    // which this form corrects instead.
    input.type = 'text';
    input.inputMode = 'url';
    input.name = address.name;
    input.spellcheck = false;
    input.value =
      options.entered?.[address.name] ?? (address.given || address.value);
    input.placeholder = placeholder(trans, settings, address.name);
    input.readOnly = !address.editable;
    field.append(label, input);
    const source = sourceText(trans, address);
    if (source) {
      field.appendChild(paragraph(source, 'jp-wopi-configure-source'));
    }
    const notes = this._notes(doc, address, input, options);
    if (notes) {
      notes.id = `${id}-note`;
      input.setAttribute('aria-describedby', notes.id);
      field.appendChild(notes);
    }
    this._inputs.set(address.name, input);
    return field;
  }

  /** What the field needs to say: a correction, a refusal, or its last verdict. */
  private _notes(
    doc: Document,
    address: IAddress,
    input: HTMLInputElement,
    options: IAddressFormOptions
  ): HTMLElement | null {
    const trans = this._trans;
    const use = (value: string) => {
      input.value = value;
      this.onSubmit();
    };
    const corrected = options.corrections?.[address.name];
    if (corrected) {
      input.setAttribute('aria-invalid', 'true');
      return renderVerdict(
        doc,
        trans,
        {
          hop: '',
          verdict: 'error',
          message: trans.__(
            'An address starts with http:// or https://; did you mean %1?',
            corrected
          ),
          setting: address.name,
          fix: '',
          suggestion: corrected,
          more: []
        },
        { use }
      );
    }
    if (address.error) {
      input.setAttribute('aria-invalid', 'true');
      return paragraph(address.error, 'jp-wopi-configure-error');
    }
    // A verdict is about the value in force, not about something typed since.
    const bare = (url: string) => url.trim().replace(/\/+$/, '');
    const check =
      bare(input.value) === bare(address.value) ? address.last_check : null;
    if (!check || check.verdict === 'skipped') {
      return null;
    }
    if (check.verdict === 'ok') {
      return paragraph(
        trans.__('Worked at the last check.'),
        'jp-wopi-configure-checked'
      );
    }
    input.setAttribute('aria-invalid', String(check.verdict === 'error'));
    const verdict = renderVerdict(doc, trans, check, {
      use: address.editable ? use : undefined
    });
    verdict.prepend(
      paragraph(trans.__('At the last check:'), 'jp-wopi-configure-when')
    );
    return verdict;
  }

  private readonly _trans: TranslationBundle;
  private readonly _inputs = new Map<AddressName, HTMLInputElement>();
}

function placeholder(
  trans: TranslationBundle,
  settings: IConnectionSettings,
  name: AddressName
): string {
  switch (name) {
    case 'onlyoffice_url':
      return 'http://localhost:8080/';
    case 'onlyoffice_internal_url':
      return trans.__('the same as the first address');
    case 'base_url':
      return settings.default_base_url;
  }
}

/** Where a value the user cannot change comes from, and where to change it. */
function sourceText(trans: TranslationBundle, address: IAddress): string {
  switch (address.source) {
    case 'environment':
      return trans.__(
        "Set by %1 in the server's environment; change it there.",
        address.variable
      );
    case 'config':
      return trans.__(
        "Set in Jupyter's configuration (c.JupyterWopi.%1); change it there.",
        address.name
      );
    default:
      return '';
  }
}

/** A paragraph of the page's document. */
function paragraph(text: string, className: string): HTMLElement {
  return element(document, 'p', className, text);
}
