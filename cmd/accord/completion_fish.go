package main

import (
	"fmt"
	"io"
	"strings"
)

// fishQuote quotes s for fish, in single quotes (where only \ and ' need
// escaping), on one line.
func fishQuote(s string) string {
	s = strings.SplitN(s, "\n", 2)[0]
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}

// writeFishCompletion writes the fish script: helper functions that find
// the command's words among the flags typed so far, then one complete line
// per command, subcommand and flag, each under the condition that the
// command line is at that command.
func writeFishCompletion(w io.Writer) {
	fmt.Fprintf(w, `# fish completion for accord. Load it with: accord completion fish | source
# (or save it as ~/.config/fish/completions/accord.fish)

# The words of the command line before the cursor that are not flags or
# their values: the command and its arguments.
function __accord_pos
    set -l skip 0
    for w in (commandline -opc)[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case %s
                set skip 1
            case '-*'
            case '*'
                echo $w
        end
    end
end

# True when the words so far are exactly the arguments.
function __accord_at
    set -l pos (__accord_pos)
    test "$pos" = "$argv"
end

# True when the command is the arguments' words, whatever follows them.
function __accord_in
    set -l pos (__accord_pos)
    set -l n (count $argv)
    test (count $pos) -ge $n; and test "$pos[1..$n]" = "$argv"
end

complete -c accord -f
`, strings.Join(valueFlags(), " "))
	for _, top := range topLevel() {
		fmt.Fprintf(w, "complete -c accord -n '__accord_at' -a %s -d %s\n", fishQuote(top[0]), fishQuote(top[1]))
		for _, sub := range group(top[0]) {
			fmt.Fprintf(w, "complete -c accord -n '__accord_at %s' -a %s -d %s\n", top[0],
				fishQuote(strings.TrimPrefix(sub.path, top[0]+" ")), fishQuote(sub.summary))
		}
	}
	fmt.Fprint(w, "complete -c accord -n '__accord_in vote; and test (count (__accord_pos)) -eq 2' -a 'agree disagree abstain block'\n")
	fmt.Fprint(w, "complete -c accord -n '__accord_at completion' -a 'bash zsh fish'\n")
	writeFishFlags(w)
}

// writeFishFlags writes the global flags, offered everywhere, and each
// command's own under its condition.
func writeFishFlags(w io.Writer) {
	valued := map[string]bool{}
	for _, v := range valueFlags() {
		valued[v] = true
	}
	seen := map[string]bool{}
	for _, cmd := range clientCommands() {
		for _, f := range commandFlags(cmd) {
			name := strings.TrimLeft(f[0], "-")
			if _, isShort := shortFlags[name]; isShort {
				continue
			}
			opts := fishFlag(name, valued[dashed(name)])
			line := "complete -c accord" + opts + " -d " + fishQuote(f[1])
			if isGlobal(name) {
				if !seen[name] {
					fmt.Fprintln(w, line)
				}
				seen[name] = true
				continue
			}
			fmt.Fprintf(w, "complete -c accord -n '__accord_in %s'%s -d %s\n", cmd.path, opts, fishQuote(f[1]))
		}
	}
}

// fishFlag returns the options of a flag's complete line: its long name,
// its one-letter alias, and whether it takes a value (-r), a file name (-F).
func fishFlag(name string, valued bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, " -l %s", name)
	for short, long := range shortFlags {
		if long == name {
			fmt.Fprintf(&b, " -s %s", short)
		}
	}
	if valued {
		b.WriteString(" -r")
	}
	if strings.Contains("|"+fileFlags+"|", "|--"+name+"|") {
		b.WriteString(" -F")
	}
	return b.String()
}
