// A small client of the admin API for CLI commands: JSON in and out, problem+json turned into an
// error that lists each field's path and reason.
export interface AdminResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

class AdminApiError extends Error {}

export function createAdminClient(options: { url: string; apiKey: string }) {
  return async function request(
    method: string,
    path: string,
    json?: unknown,
    accept: number[] = [],
  ): Promise<AdminResponse> {
    const res = await fetch(`${options.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    const body = text ? JSON.parse(text) : undefined;
    if (res.ok || accept.includes(res.status)) return { status: res.status, body };
    const errors = (body?.errors ?? []) as { path: string; message: string }[];
    const lines = [
      `${method} ${path}: ${res.status} ${body?.title ?? res.statusText}` +
        `${body?.detail && !errors.length ? `: ${body.detail}` : ''}`,
      ...errors.map((e) => `  ${e.path}: ${e.message}`),
    ];
    throw new AdminApiError(lines.join('\n'));
  };
}

export type AdminRequest = ReturnType<typeof createAdminClient>;
