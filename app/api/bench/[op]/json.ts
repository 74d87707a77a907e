/** The bench routes' answers: JSON, never cached. */

export const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "cache-control": "no-store" } });
