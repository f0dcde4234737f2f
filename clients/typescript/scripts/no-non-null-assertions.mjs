// Fails when a TypeScript file uses a non-null assertion (`value!`): a field the API always returns
// is typed as present by the generated schema, so the lifecycle never needs to assert it.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

const files = process.argv.slice(2).flatMap(function walk(path) {
  return statSync(path).isDirectory()
    ? readdirSync(path).flatMap((name) => walk(join(path, name)))
    : path.endsWith(".ts") && !path.endsWith(".d.ts") ? [path] : [];
});
const found = [];
for (const file of files) {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isNonNullExpression(node)) {
      const { line, character } = source.getLineAndCharacterOfPosition(node.getStart());
      found.push(`${file}:${line + 1}:${character + 1} ${node.getText()}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
if (found.length > 0) {
  console.error(`Non-null assertions (the generated types should make them unnecessary):\n${found.join("\n")}`);
  process.exit(1);
}
console.log(`No non-null assertion in ${files.length} file(s).`);
