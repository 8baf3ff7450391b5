/**
 * Reading config.toml: parse with smol-toml, turn syntax errors into a WarpError with file:line:column, and
 * find the line each key was set on (a cheap line scan, only used to point error messages at the right line).
 */
import fs from 'node:fs';
import { parse, TomlError } from 'smol-toml';
import { ErrorCodes, WarpError, fromSystemError, systemCode } from '../core/errors.ts';

export interface TomlFile {
  readonly path: string;
  readonly exists: boolean;
  readonly data: Record<string, unknown>;
  /** 'section' and 'section.key' → 1-based line number, where the scan could tell. */
  readonly lines: ReadonlyMap<string, number>;
}

/** A missing file is not an error (defaults apply) unless the caller named it explicitly. */
export function readTomlFile(file: string, mustExist: boolean): TomlFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (systemCode(e) === 'ENOENT' && !mustExist) return { path: file, exists: false, data: {}, lines: new Map() };
    const err = fromSystemError(e, file, 'read');
    throw new WarpError(err.code, `config file ${err.message}`, { details: err.details, cause: e });
  }
  return { path: file, exists: true, data: parseToml(text, file), lines: scanKeyLines(text) };
}

export function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof TomlError) {
      const reason = e.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
      throw new WarpError(
        ErrorCodes.CONFIG_INVALID,
        `${file}:${e.line}:${e.column}: malformed TOML: ${reason}`,
        // The spot is shown under the message (details.excerpt): messages stay one line.
        { details: { path: file, line: e.line, column: e.column, reason, excerpt: e.codeblock.trimEnd() }, cause: e },
      );
    }
    throw e;
  }
}

const HEADER = /^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]/;
const ASSIGNMENT = /^\s*([A-Za-z0-9_.-]+|"[^"]*")\s*=/;

export function scanKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let table = '';
  text.split(/\r?\n/).forEach((line, i) => {
    const header = HEADER.exec(line);
    if (header) {
      table = header[1];
      if (!lines.has(table)) lines.set(table, i + 1);
      return;
    }
    const assignment = ASSIGNMENT.exec(line);
    if (assignment) {
      const name = assignment[1].replace(/^"|"$/g, '');
      const full = table === '' ? name : `${table}.${name}`;
      if (!lines.has(full)) lines.set(full, i + 1);
      // `archive.level = …` at the top level also introduces the section.
      const section = full.split('.')[0];
      if (!lines.has(section)) lines.set(section, i + 1);
    }
  });
  return lines;
}
