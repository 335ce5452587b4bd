// A fake GitHub REST API on 127.0.0.1: issue comments (list with pagination, create, update), the pull requests of
// a commit, issues (list by label and state, create, update), and rate-limit answers; recording every call.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: string;
}

export interface FakePull {
  number: number;
  merged_at: string | null;
  merge_commit_sha?: string;
  base: { ref: string };
  head?: { sha: string };
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  pull_request?: boolean;
}

/** One rate-limit answer served instead of the next call. */
export interface FakeLimit {
  status: 403 | 429;
  headers: Record<string, string>;
  message?: string;
}

export interface FakeCall {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Whether the Authorization header was `Bearer <the expected token>` (the header itself is not kept). */
  authorized: boolean;
  body?: unknown;
  status: number;
}

export interface FakeGitHub {
  url: string;
  calls: FakeCall[];
  comments: FakeComment[];
  /** Answer 403 to every write (a fork's read-only token). */
  readOnly: boolean;
  /** Answer 403 to issue writes (a token without issues: write). */
  issuesReadOnly: boolean;
  /** Pull requests associated with a commit sha (GET /repos/{o}/{r}/commits/{sha}/pulls). */
  pulls: Map<string, FakePull[]>;
  issues: FakeIssue[];
  /** Served, one each, instead of the next calls. */
  limits: FakeLimit[];
  /** Adds comments from other users (to push the marked one to a later page). */
  addOthers(issue: number, n: number): void;
  close(): Promise<void>;
}

const PER_PAGE_MAX = 100;

export async function startFakeGitHub(opts: { token: string; repository: string }): Promise<FakeGitHub> {
  let nextId = 1000;
  const fake: FakeGitHub = {
    url: '',
    calls: [],
    comments: [],
    readOnly: false,
    issuesReadOnly: false,
    pulls: new Map(),
    issues: [],
    limits: [],
    addOthers(issue, n) {
      for (let i = 0; i < n; i++) fake.comments.push({ id: nextId++, issue, body: `LGTM ${i} — mentions qcs-gitops:plan but is not the marker`, user: 'someone' });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };

  const send = (res: ServerResponse, call: FakeCall, status: number, body: unknown, headers: Record<string, string> = {}) => {
    call.status = status;
    fake.calls.push(call);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const u = new URL(req.url ?? '/', fake.url);
    const call: FakeCall = {
      method: req.method ?? '',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      authorized: req.headers.authorization === `Bearer ${opts.token}`,
      body: text ? JSON.parse(text) : undefined,
      status: 0,
    };
    if (!call.authorized) return send(res, call, 401, { message: 'Bad credentials' });
    const limit = fake.limits.shift();
    if (limit) return send(res, call, limit.status, { message: limit.message ?? 'API rate limit exceeded' }, limit.headers);
    const repo = `/repos/${opts.repository}`;
    const list = new RegExp(`^${repo}/issues/(\\d+)/comments$`).exec(u.pathname);
    const one = new RegExp(`^${repo}/issues/comments/(\\d+)$`).exec(u.pathname);
    const view = (c: FakeComment) => ({ id: c.id, body: c.body, user: { login: c.user }, html_url: `https://github.test/${opts.repository}/pull/${c.issue}#issuecomment-${c.id}` });
    const pulls = new RegExp(`^${repo}/commits/([0-9a-f]+)/pulls$`).exec(u.pathname);
    const issueOne = new RegExp(`^${repo}/issues/(\\d+)$`).exec(u.pathname);
    const issueView = (i: FakeIssue) => ({
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      labels: i.labels.map((name) => ({ name })),
      html_url: `https://github.test/${opts.repository}/issues/${i.number}`,
      ...(i.pull_request ? { pull_request: { url: 'x' } } : {}),
    });
    if (pulls && req.method === 'GET') {
      return send(res, call, 200, (fake.pulls.get(pulls[1]!) ?? []).map((p) => ({ ...p, html_url: `https://github.test/${opts.repository}/pull/${p.number}` })));
    }
    if (u.pathname === `${repo}/issues` && req.method === 'GET') {
      const labels = (u.searchParams.get('labels') ?? '').split(',').filter(Boolean);
      const state = u.searchParams.get('state') ?? 'open';
      const found = fake.issues.filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)));
      return send(res, call, 200, found.sort((a, b) => b.number - a.number).map(issueView));
    }
    if (u.pathname === `${repo}/issues` && req.method === 'POST') {
      if (fake.issuesReadOnly) return send(res, call, 403, { message: 'Resource not accessible by integration' });
      const b = call.body as { title: string; body: string; labels?: string[] };
      const i: FakeIssue = { number: nextId++, title: b.title, body: b.body, labels: b.labels ?? [], state: 'open' };
      fake.issues.push(i);
      return send(res, call, 201, issueView(i));
    }
    if (issueOne && req.method === 'PATCH') {
      if (fake.issuesReadOnly) return send(res, call, 403, { message: 'Resource not accessible by integration' });
      const i = fake.issues.find((x) => x.number === Number(issueOne[1]));
      if (!i) return send(res, call, 404, { message: 'Not Found' });
      const b = call.body as Partial<FakeIssue>;
      if (b.title !== undefined) i.title = b.title;
      if (b.body !== undefined) i.body = b.body;
      if (b.state !== undefined) i.state = b.state;
      return send(res, call, 200, issueView(i));
    }
    if (list && req.method === 'GET') {
      const issue = Number(list[1]);
      const perPage = Math.min(PER_PAGE_MAX, Number(u.searchParams.get('per_page') ?? 30));
      const page = Number(u.searchParams.get('page') ?? 1);
      const all = fake.comments.filter((c) => c.issue === issue);
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < all.length) headers.link = `<${fake.url}${u.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next"`;
      return send(res, call, 200, slice.map(view), headers);
    }
    if (list && req.method === 'POST') {
      if (fake.readOnly || (fake.issuesReadOnly && fake.issues.some((i) => i.number === Number(list[1])))) return send(res, call, 403, { message: 'Resource not accessible by integration' });
      const c: FakeComment = { id: nextId++, issue: Number(list[1]), body: String((call.body as { body?: unknown })?.body), user: 'github-actions[bot]' };
      fake.comments.push(c);
      return send(res, call, 201, view(c));
    }
    if (one && req.method === 'PATCH') {
      if (fake.readOnly) return send(res, call, 403, { message: 'Resource not accessible by integration' });
      const c = fake.comments.find((x) => x.id === Number(one[1]));
      if (!c) return send(res, call, 404, { message: 'Not Found' });
      c.body = String((call.body as { body?: unknown })?.body);
      return send(res, call, 200, view(c));
    }
    return send(res, call, 404, { message: 'Not Found' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
