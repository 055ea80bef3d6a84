package main

import (
	"fmt"
	"io"
	"strings"
)

// zshItem quotes "name:description" for a zsh array, single-quoted.
func zshItem(name, desc string) string {
	desc = strings.ReplaceAll(strings.SplitN(desc, "\n", 2)[0], "'", `'\''`)
	return "'" + name + ":" + desc + "'"
}

func zshItems(pairs [][2]string) string {
	items := make([]string, len(pairs))
	for i, p := range pairs {
		items[i] = zshItem(p[0], p[1])
	}
	return strings.Join(items, " ")
}

func writeZshCompletion(w io.Writer) {
	fmt.Fprintf(w, `#compdef accord
# zsh completion for accord. Load it with: source <(accord completion zsh)
_accord() {
  local -a pos items
  local i skip=0 w
  for (( i = 2; i < CURRENT; i++ )); do
    w=${words[i]}
    if (( skip )); then skip=0; continue; fi
    case $w in
      (%s) skip=1 ;;
      (-*) ;;
      (*) pos+=("$w") ;;
    esac
  done
  case ${words[CURRENT-1]} in
    (%s) _files; return ;;
  esac
  if (( ${#pos} == 0 )); then
    items=(%s)
    _describe -t commands 'accord command' items; return
  fi
  local path_="${pos[1]}"
  case ${pos[1]} in
`, strings.Join(valueFlags(), "|"), fileFlags, zshItems(topLevel()))
	for _, top := range topLevel() {
		subs := group(top[0])
		if len(subs) == 0 {
			continue
		}
		pairs := make([][2]string, len(subs))
		for i, s := range subs {
			pairs[i] = [2]string{strings.TrimPrefix(s.path, top[0]+" "), s.summary}
		}
		fmt.Fprintf(w, "    (%s) if (( ${#pos} == 1 )); then items=(%s); _describe -t commands '%s command' items; return; fi; path_=\"%s ${pos[2]}\" ;;\n",
			top[0], zshItems(pairs), top[0], top[0])
	}
	fmt.Fprint(w, `  esac
  if [[ $path_ == vote && ${#pos} == 2 && ${words[CURRENT]} != -* ]]; then
    items=(agree disagree abstain block); _describe 'stance' items; return
  fi
  if [[ $path_ == completion && ${#pos} == 1 ]]; then
    items=(bash zsh fish); _describe 'shell' items; return
  fi
  [[ ${words[CURRENT]} == -* ]] || return 1
  case $path_ in
`)
	for _, cmd := range clientCommands() {
		fmt.Fprintf(w, "    (%q) items=(%s) ;;\n", cmd.path, zshItems(commandFlags(cmd)))
	}
	fmt.Fprint(w, `  esac
  _describe -t options 'flag' items
}
if [ "$funcstack[1]" = "_accord" ]; then _accord "$@"; else compdef _accord accord; fi
`)
}
