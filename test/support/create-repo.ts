/**
 * Creates a repository through the server's API (`POST /api/v1/repos`), as the app and the
 * CLI's users do. Returns the response so each test states what it expects of it.
 */
export function createRepo(
  baseUrl: string,
  token: string,
  body: { name: string; private: boolean },
): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/repos`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}
