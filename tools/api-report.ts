import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/** One exported name of an entry point, with what it is. */
export interface ApiExport {
  name: string;
  kind: 'class' | 'function' | 'const' | 'interface' | 'type' | 'enum' | 'namespace';
  /** Whether the name exists at run time (a class, function or value), not only for the types. */
  runtime: boolean;
}

/**
 * Lists the exports of a package's entry points from their TypeScript sources: the names a user
 * can import, runtime values and type-only names apart. The package's API report is made of these
 * lists, so a change to the public surface shows up as a change to a checked-in file.
 *
 * @param packageDir - The package folder (holding `tsconfig.json`).
 * @param entries - Entry point name (`@banditore/core/testing`) → source file relative to `packageDir`.
 * @returns The exports of each entry point, sorted by name.
 */
export function listExports(packageDir: string, entries: Record<string, string>): Record<string, ApiExport[]> {
  const configPath = join(packageDir, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (path) => readFileSync(path, 'utf8'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath));
  const files = Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(packageDir, file)]));
  const program = ts.createProgram(Object.values(files), { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const result: Record<string, ApiExport[]> = {};
  for (const [name, file] of Object.entries(files)) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${name}: ${file} is not a module`);
    result[name] = checker
      .getExportsOfModule(moduleSymbol)
      .map((symbol) => describe(checker, symbol))
      .sort((a, b) => a.name.localeCompare(b.name, 'en'));
  }
  return result;
}

function describe(checker: ts.TypeChecker, symbol: ts.Symbol): ApiExport {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const flags = target.flags;
  const kind: ApiExport['kind'] =
    flags & ts.SymbolFlags.Class
      ? 'class'
      : flags & ts.SymbolFlags.Function
        ? 'function'
        : flags & ts.SymbolFlags.Enum
          ? 'enum'
          : flags & ts.SymbolFlags.Variable
            ? 'const'
            : flags & ts.SymbolFlags.Interface
              ? 'interface'
              : flags & ts.SymbolFlags.Module
                ? 'namespace'
                : 'type';
  // `export type { X }` makes even a class a type-only name.
  const runtime = !isTypeOnlyChain(checker, symbol) && (flags & ts.SymbolFlags.Value) !== 0;
  return { name: symbol.name, kind, runtime };
}

/** Whether any re-export on the way from the entry point to the declaration is type-only. */
function isTypeOnlyChain(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  let current: ts.Symbol | undefined = symbol;
  for (let depth = 0; current && current.flags & ts.SymbolFlags.Alias && depth < 20; depth++) {
    for (const declaration of current.declarations ?? []) {
      if (ts.isExportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly))
        return true;
      if (ts.isImportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly))
        return true;
      if (ts.isNamespaceExport(declaration) && declaration.parent.isTypeOnly) return true;
    }
    current = checker.getImmediateAliasedSymbol(current);
  }
  return false;
}

/**
 * Formats the API report of a package: per entry point, the runtime names and the type-only names.
 *
 * @param packageName - Shown in the title.
 * @param exports - From {@link listExports}.
 */
export function formatReport(packageName: string, exports: Record<string, ApiExport[]>): string {
  const lines = [
    `# API report: ${packageName}`,
    '',
    'Every name a user can import, per entry point. Checked by the package tests; after a deliberate',
    'change to the public API, refresh it with `npm run api:update` at the repository root and',
    'review the difference like any other change.',
  ];
  for (const [entry, list] of Object.entries(exports)) {
    const runtime = list.filter((item) => item.runtime);
    const types = list.filter((item) => !item.runtime);
    lines.push('', `## ${entry}`, '', `### Runtime (${runtime.length})`, '');
    lines.push(...(runtime.length ? runtime.map((item) => `- \`${item.name}\` ${item.kind}`) : ['(none)']));
    lines.push('', `### Types (${types.length})`, '');
    lines.push(...(types.length ? types.map((item) => `- \`${item.name}\` ${item.kind}`) : ['(none)']));
  }
  return `${lines.join('\n')}\n`;
}
