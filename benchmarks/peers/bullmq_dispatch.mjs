// The BullMQ peer of benchmarks/dispatch.py: the same WhatsApp Cloud sends, queued in Redis.
//
// Enqueues --jobs jobs, then one BullMQ Worker (this process) with --concurrency POSTs each to
// the stub provider's Cloud API endpoint with Node's fetch (undici), the body and auth header
// LIA's sender uses, and keeps the returned message id as the job's result. Prints one JSON
// line: jobs per second over the 10 %..90 % stretch of completions (as dispatch.py measures).
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";

const { values: args } = parseArgs({
  options: {
    stub: { type: "string" },
    jobs: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "64" },
    redis: { type: "string", default: "redis://127.0.0.1:6379" },
  },
});
const total = Number(args.jobs);
// BullMQ 6 takes constructed clients under ESM (and then leaves closing them to us).
const clients = [];
const connect = () => {
  const client = new Redis(args.redis, { maxRetriesPerRequest: null });
  clients.push(client);
  return client;
};
const name = `lia-bench-${randomUUID().slice(0, 12)}`;
const url = `${args.stub.replace(/\/$/, "")}/v21.0/1234567890/messages`;
const headers = { Authorization: "Bearer bench-token", "Content-Type": "application/json" };

const queue = new Queue(name, { connection: connect() });
for (let offset = 0; offset < total; offset += 1000) {
  const batch = [];
  for (let n = offset; n < Math.min(total, offset + 1000); n++) {
    batch.push({
      name: "send_whatsapp",
      data: { to: `+55${21_000_000_000 + n}`, text: "Olá! Mensagem de teste de carga.", key: `tp-${n}` },
      // Retried like LIA's transient failures (LIA keeps retries in the outbox row).
      opts: { attempts: 5, backoff: { type: "exponential", delay: 1000 } },
    });
  }
  await queue.addBulk(batch);
}

let done = 0;
let failed = 0;
const marks = {};
const started = performance.now();
let finish;
const finished = new Promise((resolve) => (finish = resolve));

const worker = new Worker(
  name,
  async (job) => {
    const response = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify({
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: job.data.to,
        type: "text",
        text: { body: job.data.text, preview_url: false },
        biz_opaque_callback_data: job.data.key,
      }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
    return body.messages[0].id;
  },
  { connection: connect(), concurrency: Number(args.concurrency) },
);
const settled = () => {
  const count = done + failed;
  const now = performance.now();
  for (const share of [0.1, 0.9]) if (!(share in marks) && count >= total * share) marks[share] = now;
  if (count >= total) finish();
};
worker.on("completed", () => {
  done++;
  settled();
});
worker.on("failed", (job) => {
  if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
    failed++;
    settled();
  }
});

await finished;
const span = (marks[0.9] - marks[0.1]) / 1000;
await worker.close();
await queue.obliterate({ force: true });
await queue.close();
await Promise.all(clients.map((client) => client.quit()));
console.log(
  JSON.stringify({
    jobs: total,
    completed: done,
    failed,
    jobs_per_second: Math.round((0.8 * total) / span),
    seconds: Math.round((performance.now() - started) / 10) / 100,
  }),
);
