// Parses Mermaid flowcharts with the mermaid package GitHub renders them
// with (in jsdom, as it needs a DOM): reads a JSON array of sources on
// stdin, writes a JSON array of errors ("" for a chart that parses).
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!DOCTYPE html><body></body>');
for (const name of ['window', 'document', 'Element', 'HTMLElement', 'Node', 'DocumentFragment', 'SVGElement']) {
  globalThis[name] = name === 'window' ? dom.window : dom.window[name];
}
const mermaid = (await import('mermaid')).default;

let raw = '';
for await (const chunk of process.stdin) raw += chunk;
const errors = [];
for (const source of JSON.parse(raw)) {
  try {
    await mermaid.parse(source);
    errors.push('');
  } catch (err) {
    errors.push(String(err.message ?? err));
  }
}
process.stdout.write(JSON.stringify(errors));
