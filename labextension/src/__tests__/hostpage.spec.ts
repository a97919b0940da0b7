/**
 * "Open in New Browser Tab": office files open in the standalone host page.
 */

import {
  ABCWidgetFactory,
  DocumentRegistry,
  DocumentWidget
} from '@jupyterlab/docregistry';
import { Widget } from '@lumino/widgets';

import { hostPageUrl, opensInOnlyoffice } from '../hostpage';

class Factory extends ABCWidgetFactory<DocumentWidget> {
  protected createNewWidget(context: DocumentRegistry.Context): DocumentWidget {
    return new DocumentWidget({ content: new Widget(), context });
  }
}

describe('hostPageUrl', () => {
  it('puts the path, encoded segment by segment, below wopi/open', () => {
    expect(
      hostPageUrl('http://localhost:8888/user/ada/', 'Q3 #1/report ü.docx')
    ).toBe(
      'http://localhost:8888/user/ada/wopi/open/Q3%20%231/report%20%C3%BC.docx'
    );
  });
});

describe('opensInOnlyoffice', () => {
  it('is true for files whose default factory is ONLYOFFICE, only', () => {
    const registry = new DocumentRegistry();
    registry.addFileType({ name: 'docx', extensions: ['.docx'] });
    registry.addWidgetFactory(
      new Factory({
        name: 'ONLYOFFICE',
        fileTypes: ['docx', 'csv'],
        defaultFor: ['docx']
      })
    );
    registry.addWidgetFactory(
      new Factory({
        name: 'CSV viewer',
        fileTypes: ['csv'],
        defaultFor: ['csv']
      })
    );
    expect(opensInOnlyoffice(registry, 'a/report.docx')).toBe(true);
    expect(opensInOnlyoffice(registry, 'data.csv')).toBe(false);
    expect(opensInOnlyoffice(registry, 'notes.unknown')).toBe(false);
  });
});
