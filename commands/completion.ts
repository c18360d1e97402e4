import {Args} from '@oclif/core'
import {WdCommand} from './_shared/base.js'

/** Each shell's script asks `wd __complete` for the candidates of the word under the cursor. */
const SCRIPTS = {
  bash: `# wd completion for bash: eval "$(wd completion bash)" (or save it under /etc/bash_completion.d/wd)
_wd() {
  # bash splits words at '=' and ':' too (COMP_WORDBREAKS): wd is asked with the line split at blanks only, so
  # --format=j and hw:watchdog_action=re reach it whole; bash then replaces only the piece after the last break
  local IFS=$' \\t\\n' line=\${COMP_LINE:0:COMP_POINT} out cur piece
  local -a words
  read -ra words <<<"$line"
  [[ $line =~ [[:space:]]$ ]] && words+=("")
  cur=\${words[\${#words[@]}-1]}
  piece=\${COMP_WORDS[COMP_CWORD]}
  [[ $piece == [=:] ]] && piece=
  IFS=$'\\n'
  out=$(wd __complete -- "\${words[@]:1}" 2>/dev/null)
  if [ "$out" = ":file" ]; then COMPREPLY=($(compgen -f -- "$cur")); else COMPREPLY=($(compgen -W "$out" -- "$cur")); fi
  local before=\${cur%"$piece"}
  [ -n "$before" ] && COMPREPLY=("\${COMPREPLY[@]#"$before"}")
  return 0
}
complete -o filenames -F _wd wd
`,
  zsh: `# wd completion for zsh: eval "$(wd completion zsh)" in ~/.zshrc
_wd() {
  local -a out
  out=("\${(@f)$(wd __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ "\${out[1]}" == ":file" ]]; then _files; else compadd -- "\${out[@]}"; fi
}
compdef _wd wd
`,
  fish: `# wd completion for fish: wd completion fish > ~/.config/fish/completions/wd.fish
function __wd_complete
  set -l out (wd __complete -- (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)
  if test "$out" = ":file"; __fish_complete_path (commandline -ct); else; printf '%s\\n' $out; end
end
complete -c wd -f -a '(__wd_complete)'
`,
}

export default class Completion extends WdCommand<typeof Completion> {
  static override resultSchema = 'cli-results#/$defs/completion'

  static override summary = 'Print the shell completion script for bash, zsh or fish.'

  static override description = `The script asks wd for the candidates of the word under the cursor, so it completes \
commands, flags (also after arguments) and the values of flags and arguments (actions, formats, schema names).`

  static override examples = [
    'eval "$(<%= config.bin %> <%= command.id %> bash)"',
    '<%= config.bin %> <%= command.id %> fish > ~/.config/fish/completions/wd.fish',
  ]

  static override args = {
    shell: Args.string({description: 'The shell.', options: ['bash', 'zsh', 'fish'], default: 'bash'}),
  }

  public async run(): Promise<{shell: string; script: string}> {
    const shell = this.args.shell as keyof typeof SCRIPTS
    if (!this.jsonEnabled()) process.stdout.write(SCRIPTS[shell])
    return {shell, script: SCRIPTS[shell]}
  }
}
