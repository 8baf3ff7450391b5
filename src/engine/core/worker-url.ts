/**
 * Where a worker entry lives. From source (type-stripped .ts) it is next to the module that starts it;
 * from the bundle (dist/), every worker entry is emitted next to the bundle as `<name>.js`.
 */
export function workerUrl(name: string, from: string): URL {
  return from.endsWith('.ts') ? new URL(`./${name}.ts`, from) : new URL(`./${name}.js`, from);
}
