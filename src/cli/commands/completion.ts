/** `warp completion bash|zsh|fish`: shell completions generated from the command tree. */
import type { Command } from 'commander';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import type { CliContext } from '../context.ts';

interface Node {
  path: string[];
  subs: string[];
  flags: string[];
}

function walk(cmd: Command, path: string[] = []): Node[] {
  const subs = cmd.commands.map((c) => c.name());
  const flags = cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))).concat('--help');
  return [{ path, subs, flags }, ...cmd.commands.flatMap((c) => walk(c, [...path, c.name()]))];
}

function bash(nodes: Node[]): string {
  const cases = nodes
    .map((n) => `    "${n.path.join(' ')}") words="${[...n.subs, ...n.flags].join(' ')}" ;;`)
    .join('\n');
  return `# warp bash completion: eval "$(warp completion bash)"
_warp() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w words
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in -*) ;; *) if [ -z "$path" ]; then path="$w"; else path="$path $w"; fi ;; esac
  done
  case "$path" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
  [ \${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=( $(compgen -f -- "$cur") )
}
complete -o filenames -F _warp warp
`;
}

function fish(nodes: Node[]): string {
  const lines = ['# warp fish completion: warp completion fish | source'];
  for (const n of nodes) {
    const cond =
      n.path.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${n.path[n.path.length - 1]}`;
    for (const s of n.subs) lines.push(`complete -c warp -n '${cond}' -a ${s}`);
    for (const f of n.flags.filter((f) => f.startsWith('--')))
      lines.push(`complete -c warp -n '${cond}' -l ${f.slice(2)}`);
  }
  return lines.join('\n') + '\n';
}

function zsh(nodes: Node[]): string {
  return `#compdef warp
# warp zsh completion: warp completion zsh > "\${fpath[1]}/_warp"
autoload -U bashcompinit && bashcompinit
${bash(nodes)
  .split('\n')
  .filter((l) => !l.startsWith('#'))
  .join('\n')}`;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .argument('<shell>', 'bash | zsh | fish')
    .description('print a shell completion script')
    .action((shell: string) => {
      const nodes = walk(program);
      const gen = { bash, zsh, fish }[shell as 'bash' | 'zsh' | 'fish'];
      if (!gen) throw new WarpError(ErrorCodes.USAGE, `unknown shell '${shell}': use bash, zsh or fish`);
      ctx.out(gen(nodes).trimEnd());
    });
}
