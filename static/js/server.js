// Talking to the server: POST /api/graph, and the rule for when a request goes out.

export const REQUEST_TIMEOUT_MS = 30_000;

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
    if (data && data.error) return { error: { ...data.error, status: response.status } };
    return { error: { code: "page.http_status", params: { status: response.status }, status: response.status } };
  } catch (error) {
    return { error: { code: error.name === "TimeoutError" ? "page.timeout" : "page.unreachable" } };
  }
}

// At most one request in flight, and no fixed delay: a change is sent at
// once; a change made while a request is out waits, replacing any change that
// waited before it (only the newest matters), and goes out when the answer
// comes, which is then stale and dropped.  So a burst of typing never sends
// more requests than keystrokes, and a slow drawing never piles more work on
// the server.  A generation counter (as in the Player) drops the answers of
// cancelled requests.
export class LatestRequest {
  // send(body) -> Promise of an answer that never rejects (fetchGraph);
  // onAnswer(answer, body) gets only the answer to the newest body.
  constructor({ send, onAnswer }) {
    this.send = send;
    this.onAnswer = onAnswer;
    this.generation = 0;
    this.inFlight = null;
    this.waiting = null;
  }

  submit(body) {
    this.generation += 1;
    const job = { body, key: JSON.stringify(body), generation: this.generation };
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
    try {
      answer = await this.send(job.body);
    } finally {
      this.inFlight = null;
    }
    const next = this.waiting;
    this.waiting = null;
    // The newest body asks what this one asked (typed and undone): this answer is its answer.
    const newest = next && next.key === job.key ? next : job;
    if (next && newest !== next) this.start(next);
    else if (newest.generation === this.generation) this.onAnswer(answer, job.body);
  }
}
