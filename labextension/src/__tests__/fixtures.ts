/**
 * What the server answers, shared by the specs that need the same answer,
 * and waiting for what a test expects.
 */

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

/** The connection doctor's report: one hop fails. */
export const REPORT = {
  ok: false,
  checks: [
    {
      hop: 'ONLYOFFICE → Jupyter',
      verdict: 'error',
      message: 'Set JUPYTER_WOPI_BASE_URL.'
    }
  ]
};

/** Wait, a hundred turns of the event loop at most, for `condition`. */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
  expect(condition()).toBe(true);
}
