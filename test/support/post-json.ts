/**
 * A JSON POST to the server as a token's holder (MLflow's REST API, say), as a client sends it;
 * an answer of 300 or more fails the test, naming the path. Returns the answer's JSON.
 */
import { expect } from 'vitest';

export async function postJson(baseUrl: string, token: string, path: string, body: unknown) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, `POST ${path}`).toBeLessThan(300);
  return (await res.json()) as Record<string, unknown>;
}
