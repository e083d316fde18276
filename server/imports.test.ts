import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The import graph of server/, read from the source: no file may reach itself again through its
// imports (a circle makes load order matter and folders inseparable), and the domain folders
// stay free of HTTP and of the WhatsApp drivers (they are tested, and could run, without either).

const SERVER = import.meta.dirname;
const DOMAIN = ['tickets', 'conversation', 'delivery', 'messages', 'inbound'];
const FORBIDDEN_IN_DOMAIN = [/^fastify/, /^@fastify\//, /^whatsapp-web\.js$/, /^server\/whatsapp\//];
/** Each folder's HTTP edge: a route file may import Fastify (it is where HTTP meets the domain). */
const isRouteFile = (file: string) => /(^|[-/])routes\.ts$/.test(file);

/** Lines that make an error answer of their own instead of taking one from the catalogue. */
const errorsBuilt = (text: string) => text.split('\n').filter((line) => /new AppError\(/.test(line));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' || entry.name === 'generated-pg' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Every .ts and .tsx file below a folder, tests included. */
function allSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : allSources(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The relative imports of the given files that land outside `allowed` folders, as "file → target". */
export function importsLeaving(files: string[], isAllowed: (target: string) => boolean): string[] {
  const root = path.dirname(SERVER);
  return files.flatMap((file) =>
    specifiers(fs.readFileSync(file, 'utf8'))
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => path.relative(root, path.resolve(path.dirname(file), spec)))
      .filter((target) => !isAllowed(target))
      .map((target) => `${path.relative(root, file)} → ${target}`),
  );
}

/** Every module a file names in an import, export-from or dynamic import(), type-only ones included. */
export function specifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = [
    ...code.matchAll(/^\s*(?:import|export)\s[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm),
    ...code.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return found.map((match) => match[1]);
}

// A statement on the Message table: hand-written SQL naming it (either dialect's quoting), or a
// call on Prisma's `message` delegate (`tx.message.update(…)`, `db.prisma.message.findMany(…)`).
const MESSAGE_SQL = /\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+"?Message"?(?![\w"])/i;
const MESSAGE_PRISMA = /\.message\s*\.\s*(?:find\w*|create\w*|update\w*|upsert|delete\w*|count|aggregate|groupBy)\s*\(/;

/** The lines of a source text that read or write the Message table. */
export function messageStatements(text: string): string[] {
  return text.split('\n').filter((line) => MESSAGE_SQL.test(line) || MESSAGE_PRISMA.test(line));
}

/** Relative imports resolved to repository paths ("server/x/y.ts"); packages as named. */
function graph(): Map<string, string[]> {
  const root = path.dirname(SERVER);
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SERVER)) {
    const from = path.relative(root, file);
    const targets = specifiers(fs.readFileSync(file, 'utf8')).map((spec) =>
      spec.startsWith('.') ? path.relative(root, path.resolve(path.dirname(file), spec)) : spec,
    );
    edges.set(from, targets);
  }
  return edges;
}

/** The circles of the graph (Tarjan's strongly connected components of more than one file, or a self-import). */
function cycles(edges: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (edges.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** The same graph between folders of server/ (a top-level file is its own node). */
function folderGraph(edges: Map<string, string[]>): Map<string, string[]> {
  const folder = (file: string) => file.split('/').slice(0, 2).join('/');
  const folders = new Map<string, string[]>();
  for (const [file, targets] of edges) {
    const from = folder(file);
    const to = targets.filter((t) => edges.has(t)).map(folder).filter((f) => f !== from);
    folders.set(from, [...new Set([...(folders.get(from) ?? []), ...to])]);
  }
  return folders;
}

describe('the import graph of server/', () => {
  const edges = graph();

  it('reads the imports it is about (the parser finds every kind)', () => {
    expect(specifiers(`import a from './a.ts';\nimport type { B } from "../b.ts";\nexport { c } from './c.ts';\nimport './d.ts';\nconst e = await import('./e.ts');\n// import x from './comment.ts';`)).toEqual([
      './a.ts', '../b.ts', './c.ts', './d.ts', './e.ts',
    ]);
    expect(edges.get('server/services.ts')).toContain('server/messages/index.ts');
  });

  it('has no circle', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('has no circle between folders either (tickets/ → messages/ → tickets/ would be one)', () => {
    expect(cycles(folderGraph(edges))).toEqual([]);
  });

  it('finds a circle when there is one (the check can fail)', () => {
    const circle = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(cycles(circle)).toEqual([['a', 'b', 'c']]);
  });

  it('keeps every statement on the Message table in server/messages/ (issue 8: one home for messages)', () => {
    const root = path.dirname(SERVER);
    const outside = sourceFiles(SERVER)
      .filter((file) => !file.startsWith(path.join(SERVER, 'messages') + path.sep))
      .flatMap((file) => messageStatements(fs.readFileSync(file, 'utf8')).map((line) => `${path.relative(root, file)}: ${line.trim()}`));
    expect(outside).toEqual([]);
  });

  it('builds every error answer in the catalogue, server/http/errors.ts (issue 8: one error catalogue)', () => {
    const root = path.dirname(SERVER);
    const outside = sourceFiles(SERVER)
      .filter((file) => file !== path.join(SERVER, 'http', 'errors.ts'))
      .flatMap((file) => errorsBuilt(fs.readFileSync(file, 'utf8')).map((line) => `${path.relative(root, file)}: ${line.trim()}`));
    expect(outside).toEqual([]);
    expect(errorsBuilt("const gone = () => new AppError(410, 'ya_no', 'Ya no existe.');")).toHaveLength(1); // the check can fail
  });

  it('recognises a Message statement in either dialect and through Prisma (the check can fail)', () => {
    const found = messageStatements([
      "db.sql('SELECT id FROM Message WHERE waId = ?')",
      'FROM t JOIN "Message" m ON m."ticketId" = t.id',
      "sqlite: `INSERT INTO Message (ticketId) VALUES (?)`",
      'UPDATE "Message" SET extra = :extra',
      'return tx.message.update({ where: { id } });',
      'await db.prisma.message.findMany({ select: { id: true } })',
      "log.info({ ticketId }, 'message sent')",
      'SELECT * FROM MessageArchive',
      "const entry = event.message.content;",
    ].join('\n'));
    expect(found).toHaveLength(6);
  });

  it.each(DOMAIN)('keeps %s/ free of Fastify and of the WhatsApp drivers (route files aside)', (folder) => {
    const offending = [...edges]
      .filter(([file]) => file.startsWith(`server/${folder}/`) && !isRouteFile(file))
      .flatMap(([file, targets]) => targets.filter((t) => FORBIDDEN_IN_DOMAIN.some((rule) => rule.test(t))).map((t) => `${file} → ${t}`));
    expect(offending).toEqual([]);
  });
});

// The wire contract is the one thing server and console share: the console bundles only types
// and the pure phone helpers from server/, never server code (which would drag Node and Prisma
// into the browser), and the contract stays a leaf that both can import without a cycle.
describe('the contract between server/ and console/', () => {
  const root = path.dirname(SERVER);
  const CONSOLE = path.join(root, 'console');
  const CONTRACT = path.join(SERVER, 'contract');
  const inside = (folder: string) => (target: string) => !target.startsWith('..') && !path.isAbsolute(target) && (target + '/').startsWith(folder + '/');

  it('lets the console import from server/ only server/contract/', () => {
    const files = allSources(CONSOLE);
    expect(files.length).toBeGreaterThan(50);
    expect(importsLeaving(files, (target) => !inside('server')(target) || inside('server/contract')(target))).toEqual([]);
  });

  it('keeps server/contract/ importing nothing but itself (no package, no other folder)', () => {
    const files = allSources(CONTRACT).filter((file) => !file.endsWith('.test.ts'));
    const packages = files.flatMap((file) => specifiers(fs.readFileSync(file, 'utf8')).filter((spec) => !spec.startsWith('.')).map((spec) => `${path.relative(root, file)} → ${spec}`));
    expect(packages).toEqual([]);
    expect(importsLeaving(files, inside('server/contract'))).toEqual([]);
  });

  it('sees an import that leaves the allowed folders (the check can fail)', () => {
    const probe = path.join(CONSOLE, 'stores', 'sandbox.ts');
    expect(importsLeaving([probe], (target) => !inside('server')(target))).toEqual(['console/stores/sandbox.ts → server/contract/phone.ts']);
  });
});
