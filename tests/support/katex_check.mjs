// Which formulas KaTeX cannot typeset (tests/support/pages.py's math check).
// Reads [{tex, display}, ...] as JSON on stdin; writes [error or null, ...].
// KaTeX is the site's own, pinned in tools/package.json.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("../../tools/package.json", import.meta.url));
const katex = require("katex");
const formulas = JSON.parse(readFileSync(0, "utf8"));
const errors = formulas.map(({ tex, display }) => {
  try {
    katex.renderToString(tex, { displayMode: display, throwOnError: true });
    return null;
  } catch (error) {
    return error.message;
  }
});
process.stdout.write(JSON.stringify(errors));
