// Talking to the server: POST /api/graph, and the rule for when a request goes out.

export const REQUEST_TIMEOUT_MS = 30_000;
// A busy server (429 from the front's limit on large programs, 503) says when to
// come back (Retry-After); the page does, this many times, before it shows the error.
export const BUSY_RETRIES = 5;
const MAX_RETRY_AFTER_S = 10;

// Ask for a graph.  Resolves (never rejects) to {data} or {error}: the
// server's {message, start?, end?, code?, params?, hint?} with the HTTP
// `status` added, or the page's own {code: "page.*"} when no answer came.
export async function fetchGraph(body) {
  try {
    const response = await fetch("/api/graph", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const data = await response.json().catch(() => null);
    if (response.ok && data && !data.error) return { data };
    if (data && data.error) return { error: { ...data.error, status: response.status, ...retryAfter(response) } };
    return { error: { code: "page.http_status", params: { status: response.status }, status: response.status } };
  } catch (error) {
    return { error: { code: error.name === "TimeoutError" ? "page.timeout" : "page.unreachable" } };
  }
}

// {retryAfter: seconds} of a busy answer that says when to come back, else {}.
function retryAfter(response) {
  if (response.status !== 429 && response.status !== 503) return {};
  const seconds = Number(response.headers.get("Retry-After"));
  return Number.isFinite(seconds) && seconds >= 0 ? { retryAfter: Math.min(seconds, MAX_RETRY_AFTER_S) } : {};
}

// At most one request in flight, and no fixed delay: a change is sent at
// once; a change made while a request is out waits, replacing any change that
// waited before it (only the newest matters), and goes out when the answer
// comes, which is then stale and dropped.  So a burst of typing never sends
// more requests than keystrokes, and a slow drawing never piles more work on
// the server.  A generation counter (as in the Player) drops the answers of
// cancelled requests.  An answer "busy, come back in n seconds" is not shown:
// the same body goes again after n seconds (up to BUSY_RETRIES times), unless
// a newer body came meanwhile, which goes instead.
export class LatestRequest {
  // send(body) -> Promise of an answer that never rejects (fetchGraph);
  // onAnswer(answer, body) gets only the answer to the newest body;
  // sleep(ms) -> Promise (a test gives its own clock).
  constructor({ send, onAnswer, sleep = (ms) => new Promise((done) => setTimeout(done, ms)) }) {
    this.send = send;
    this.onAnswer = onAnswer;
    this.sleep = sleep;
    this.generation = 0;
    this.inFlight = null;
    this.waiting = null;
  }

  submit(body) {
    this.generation += 1;
    const job = { body, key: JSON.stringify(body), generation: this.generation, tries: 0 };
    if (this.inFlight) this.waiting = job;
    else this.start(job);
  }

  // Forget the waiting body and drop the answer on its way (the program went blank).
  cancel() {
    this.generation += 1;
    this.waiting = null;
  }

  async start(job) {
    this.inFlight = job;
    let answer;
    let busy = false; // "come back later", with tries left
    try {
      answer = await this.send(job.body);
      const wait = answer.error ? answer.error.retryAfter : undefined;
      busy = wait !== undefined && job.tries < BUSY_RETRIES;
      if (busy && job.generation === this.generation) {
        await this.sleep(wait * 1000); // still in flight: a newer body waits, and goes instead
        if (!this.waiting && job.generation === this.generation) {
          this.start({ ...job, tries: job.tries + 1 });
          return;
        }
      }
    } finally {
      if (this.inFlight === job) this.inFlight = null;
    }
    const next = this.waiting;
    this.waiting = null;
    // The newest body asks what this one asked (typed and undone): this answer is its
    // answer, unless it was "busy", which the newest asks again.
    const newest = next && next.key === job.key && !busy ? next : job;
    if (next && newest !== next) this.start(next);
    else if (newest.generation === this.generation) this.onAnswer(answer, job.body);
  }
}
