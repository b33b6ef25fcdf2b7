# bash completion for nslab. Command names and run options come from nslab
# itself, so this file never drifts from the command table.
_nslab()
{
	local cur prev words cword
	_init_completion 2>/dev/null || {
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD-1]}
		cword=$COMP_CWORD
		words=("${COMP_WORDS[@]}")
	}
	local nslab=${words[0]}
	if [ "$cword" -eq 1 ]; then
		local cmds
		cmds="$("$nslab" --list-commands 2>/dev/null) -c --help --version"
		mapfile -t COMPREPLY < <(compgen -W "$cmds" -- "$cur")
		[ ${#COMPREPLY[@]} -eq 0 ] && mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0
	fi
	case ${words[1]} in
	run)
		if [[ $prev == --rootfs ]]; then
			mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		elif [[ $cur == -* ]]; then
			local opts
			opts=$("$nslab" run --help 2>/dev/null | grep -oE -- '--[a-z-]+' | sort -u)
			mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		fi
		;;
	set | unset)
		mapfile -t COMPREPLY < <(compgen -W "pid user uts mount net ipc cgroup time all none" -- "$cur")
		;;
	help)
		mapfile -t COMPREPLY < <(compgen -W "$("$nslab" --list-commands 2>/dev/null)" -- "$cur")
		;;
	*)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		;;
	esac
	return 0
}
complete -F _nslab nslab
