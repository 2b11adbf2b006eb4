// Open311 errors: an HTTP status (404 missing, 403 api_key, 400 anything else) and the list of
// { code, description } the body carries.
export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    readonly errors: { code: number; description: string }[],
  ) {
    super(errors.map((e) => e.description).join('; '));
    this.name = 'Open311Error';
  }
}

export const open311Error = (status: 400 | 403 | 404, description: string) =>
  new Open311Error(status, [{ code: status, description }]);
