// Renders Graphviz DOT to SVG for `sfnkit render`, with Graphviz compiled
// to WebAssembly (@hpcc-js/wasm-graphviz): reads a JSON array of DOT
// sources on stdin, writes the JSON array of SVGs on stdout.
import { Graphviz } from '@hpcc-js/wasm-graphviz';

let raw = '';
for await (const chunk of process.stdin) raw += chunk;
const graphviz = await Graphviz.load();
const svgs = JSON.parse(raw).map((dot) => graphviz.dot(dot, 'svg'));
process.stdout.write(JSON.stringify(svgs));
