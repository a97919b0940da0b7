import {
  folderTreeUrl,
  isSingleDocumentPage,
  returnToFolder
} from '../closing';

describe('the editor Close on a one-document page', () => {
  it('knows Notebook 7 editor page from the others and from JupyterLab', () => {
    expect(isSingleDocumentPage('edit')).toBe(true);
    expect(isSingleDocumentPage('tree')).toBe(false);
    expect(isSingleDocumentPage('notebooks')).toBe(false);
    expect(isSingleDocumentPage('')).toBe(false); // JupyterLab sets none
  });

  it('goes to the tree of the document folder', () => {
    expect(folderTreeUrl('/user/ann/', 'reports/2024 Q3/memo #1.docx')).toBe(
      '/user/ann/tree/reports/2024%20Q3'
    );
    expect(folderTreeUrl('/', 'memo.docx')).toBe('/tree');
  });

  it('navigates the page there', () => {
    const go = jest.fn();
    returnToFolder('/lab-base/', 'a/b.xlsx', go);
    expect(go).toHaveBeenCalledWith('/lab-base/tree/a');
  });
});
