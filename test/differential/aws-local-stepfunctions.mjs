// Runs a corpus of state machine cases through aws-local-stepfunctions, the
// reference the Go engine is compared with. Reads a JSON array of cases on
// stdin; writes a JSON array of outcomes on stdout.
//
// A case is {name, definition, input, tasks}: tasks maps a Task state's name
// to a script of responses, [{"return": value} | {"throw": {"Error", "Cause"}}],
// consumed one per call, the last one repeating. Waits and retry intervals
// are overridden to zero: the comparison is about data and control flow,
// not time.
import { StateMachine } from 'aws-local-stepfunctions';

function statesOf(definition, out = { waits: [], all: [] }) {
  for (const [name, state] of Object.entries(definition.States ?? {})) {
    out.all.push(name);
    if (state.Type === 'Wait') out.waits.push(name);
    for (const branch of state.Branches ?? []) statesOf(branch, out);
    if (state.Iterator) statesOf(state.Iterator, out);
    if (state.ItemProcessor) statesOf(state.ItemProcessor, out);
  }
  return out;
}

async function runCase(c) {
  const calls = {};
  const handlers = {};
  for (const [state, script] of Object.entries(c.tasks ?? {})) {
    calls[state] = 0;
    handlers[state] = async () => {
      const step = script[Math.min(calls[state], script.length - 1)];
      calls[state]++;
      if (step.throw) {
        const err = new Error(step.throw.Cause ?? '');
        err.name = step.throw.Error;
        throw err;
      }
      return step.return;
    };
  }
  const { waits, all } = statesOf(c.definition);
  const outcome = { name: c.name, entered: [], calls };
  try {
    // Its validation compiles asl-validator's schema for every machine
    // (~0.2 s each); the Go side validates every definition of the corpus.
    const machine = new StateMachine(c.definition, { validationOptions: { noValidate: true } });
    const execution = machine.run(c.input, {
      overrides: {
        taskResourceLocalHandlers: handlers,
        waitTimeOverrides: Object.fromEntries(waits.map((w) => [w, 0])),
        retryIntervalOverrides: Object.fromEntries(all.map((s) => [s, 0])),
      },
    });
    const events = (async () => {
      for await (const e of execution.eventLogs) {
        if (e.type === 'StateEntered') outcome.entered.push(e.state.name);
        if (e.type === 'ExecutionFailed') Object.assign(outcome, { status: 'FAILED', error: e.Error, cause: String(e.Cause ?? '') });
      }
    })();
    try {
      outcome.output = await execution.result;
      outcome.status = 'SUCCEEDED';
    } catch (err) {
      outcome.status ??= 'FAILED';
      outcome.error ??= err.name;
    }
    await events;
  } catch (err) {
    outcome.status = 'INVALID';
    outcome.error = String(err.message ?? err);
  }
  outcome.entered.sort();
  return outcome;
}

let raw = '';
for await (const chunk of process.stdin) raw += chunk;
const cases = JSON.parse(raw);
const outcomes = [];
for (const c of cases) outcomes.push(await runCase(c));
process.stdout.write(JSON.stringify(outcomes));
