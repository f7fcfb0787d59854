// Typeset formulas with KaTeX at build time (tools/hooks/typeset_math_with_katex.py).
// Reads [{tex, display}, ...] as JSON on stdin; writes [html, ...] as JSON.
// A formula KaTeX cannot parse ends the process with a message naming it.
import { readFileSync } from "node:fs";
import katex from "katex";

const formulas = JSON.parse(readFileSync(0, "utf8"));
const html = formulas.map(({ tex, display }) => {
  try {
    return katex.renderToString(tex, { displayMode: display, throwOnError: true });
  } catch (error) {
    process.stderr.write(`KaTeX cannot typeset ${JSON.stringify(tex)}: ${error.message}\n`);
    process.exit(1);
  }
});
process.stdout.write(JSON.stringify(html));
