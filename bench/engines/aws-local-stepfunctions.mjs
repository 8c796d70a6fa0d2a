// The aws-local-stepfunctions side of bench/engines: reads the workload
// (definition, input, recorded task responses, duration, concurrency) on
// stdin and prints {"sequential", "concurrent"} executions per second.
import { StateMachine } from 'aws-local-stepfunctions';

let raw = '';
for await (const chunk of process.stdin) raw += chunk;
const w = JSON.parse(raw);

const handlers = Object.fromEntries(
  Object.entries(w.responses).map(([state, response]) => [state, async () => structuredClone(response)]),
);
// Constructed once: its validation is not part of an execution.
const machine = new StateMachine(w.definition, { validationOptions: { checkArn: false, checkPaths: false } });

// It fills only Execution.Input and StartTime of the context object; the
// workflow also reads the execution's id and the state's entry time.
const now = new Date().toISOString();
const context = {
  Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:Orders:bench', Name: 'bench', Input: w.input, StartTime: now, RoleArn: 'arn:aws:iam::123456789012:role/bench' },
  StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:Orders', Name: 'Orders' },
  State: { EnteredTime: now, Name: '', RetryCount: 0 },
};

// Each execution starts from the input's JSON text, as StartExecution
// gives it and as the Go side's Engine.Start takes it.
const inputText = JSON.stringify(w.input);

async function once() {
  const execution = machine.run(JSON.parse(inputText), { overrides: { taskResourceLocalHandlers: handlers }, context });
  await execution.result;
}

async function measure(workers) {
  const deadline = Date.now() + w.durationSeconds * 1000;
  const start = process.hrtime.bigint();
  let done = 0;
  async function worker() {
    while (Date.now() < deadline) {
      await once();
      done++;
    }
  }
  await Promise.all(Array.from({ length: workers }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return done / seconds;
}

// A second of executions first, so that V8 measures compiled code, as
// the Go side does.
const warm = Date.now() + 1000;
while (Date.now() < warm) await once();
const sequential = await measure(1);
const concurrent = await measure(w.concurrency);
process.stdout.write(JSON.stringify({ sequential, concurrent }));
