package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

func completionCommands() []command {
	return []command{{
		path: "completion", params: []string{"SHELL"},
		summary: "print a shell completion script for bash, zsh or fish",
		example: "accord completion bash > ~/.local/share/bash-completion/completions/accord\n" +
			"source <(accord completion bash)    # or this, in ~/.bashrc\n" +
			"source <(accord completion zsh)     # in ~/.zshrc, after compinit\n" +
			"accord completion fish > ~/.config/fish/completions/accord.fish",
		setup: func(*flag.FlagSet) action {
			return func(c *cli, args []string) error {
				switch args[0] {
				case "bash":
					writeBashCompletion(c.stdout)
				case "zsh":
					writeZshCompletion(c.stdout)
				case "fish":
					writeFishCompletion(c.stdout)
				default:
					return usagef("completion is for bash, zsh or fish, not %q", args[0])
				}
				return nil
			}
		},
	}}
}

// topLevel returns the first words of every command with a summary: the
// client's groups and commands, and serve, verify, witness and help.
func topLevel() [][2]string {
	out := [][2]string{
		{"serve", "run the ledger (embedded NATS + HTTP API)"},
		{"verify", "check an exported ledger offline"},
		{"witness", "cosign alliances' checkpoints after checking their logs"},
		{"version", "show this binary's version and commit"},
		{"help", "show help"},
	}
	seen := map[string]bool{}
	for _, cmd := range clientCommands() {
		first, _, isGroup := strings.Cut(cmd.path, " ")
		if seen[first] {
			continue
		}
		seen[first] = true
		summary := cmd.summary
		if isGroup {
			summary = first + " commands"
		}
		out = append(out, [2]string{first, summary})
	}
	return out
}

// commandFlags returns the flags a command takes, with their usage, as
// "--name" (or "-n" for one letter).
func commandFlags(cmd command) [][2]string {
	fs := flag.NewFlagSet(cmd.path, flag.ContinueOnError)
	cmd.setup(fs)
	(&globals{}).register(fs)
	var out [][2]string
	fs.VisitAll(func(f *flag.Flag) {
		_, usage := flag.UnquoteUsage(f)
		out = append(out, [2]string{dashed(f.Name), firstOf(usage, "same as --"+shortFlags[f.Name])})
	})
	return out
}

// valueFlags are the flags, global or not, that take a value, so that the
// completion skips that value when it looks for the command's words.
func valueFlags() []string {
	set := map[string]bool{}
	for _, cmd := range clientCommands() {
		fs := flag.NewFlagSet(cmd.path, flag.ContinueOnError)
		cmd.setup(fs)
		(&globals{}).register(fs)
		fs.VisitAll(func(f *flag.Flag) {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				set[dashed(f.Name)] = true
			}
		})
	}
	out := make([]string, 0, len(set))
	for name := range set {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// dashed returns "--name", or "-n" for a one-letter flag.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// fileFlags take a path: the shells complete file names after them.
const fileFlags = "--token-file|--save-token|--body-file|--output|-o"

func writeBashCompletion(w io.Writer) {
	fmt.Fprintf(w, `# bash completion for accord. Load it with: source <(accord completion bash)
_accord() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    local -a pos=()
    local i skip=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        local w="${COMP_WORDS[i]}"
        if ((skip)); then skip=0; continue; fi
        case "$w" in
            %s) skip=1 ;;
            -*) ;;
            *) pos+=("$w") ;;
        esac
    done
    case "$prev" in
        %s) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    local words="" path="${pos[0]}"
    case "${pos[0]}" in
`, strings.Join(valueFlags(), "|"), fileFlags)
	for _, top := range topLevel() {
		if subs := group(top[0]); len(subs) > 0 {
			names := make([]string, len(subs))
			for i, s := range subs {
				names[i] = strings.TrimPrefix(s.path, top[0]+" ")
			}
			fmt.Fprintf(w, "        %s) path=\"%s ${pos[1]}\"; [ ${#pos[@]} -eq 1 ] && words=%q ;;\n", top[0], top[0], strings.Join(names, " "))
		}
	}
	fmt.Fprint(w, "    esac\n    case \"$path\" in\n")
	for _, cmd := range clientCommands() {
		var flags []string
		for _, f := range commandFlags(cmd) {
			flags = append(flags, f[0])
		}
		fmt.Fprintf(w, "        %q) [[ \"$cur\" == -* ]] && words=%q ;;\n", cmd.path, strings.Join(flags, " "))
	}
	fmt.Fprintf(w, `    esac
    if [ ${#pos[@]} -eq 0 ]; then words=%q; fi
    if [ "$path" = "vote" ] && [ ${#pos[@]} -eq 2 ] && [[ "$cur" != -* ]]; then words="agree disagree abstain block"; fi
    if [ "$path" = "completion" ] && [ ${#pos[@]} -eq 1 ]; then words="bash zsh fish"; fi
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _accord accord
`, strings.Join(firstWords(), " "))
}

func firstWords() []string {
	var out []string
	for _, top := range topLevel() {
		out = append(out, top[0])
	}
	return out
}
