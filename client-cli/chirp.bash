# chirp.bash: bash completion for chirp (installed as
# share/bash-completion/completions/chirp). Completes the global options,
# the command names and each command's options.

_chirp()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null 2>&1; then
		_init_completion || return
	else
		COMPREPLY=()
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD-1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi

	local commands="register login logout whoami post delete reply thread
		like unlike repost unrepost follow unfollow followers following
		timeline user profile notifications watch delete-account help"
	local globals="--server --json --help --version"

	# the command: the first word after the global options
	local i cmd=""
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--server) ((i++)) ;;
		--server=* | --json | --help | -h | --version) ;;
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done

	if [[ $prev == --server ]]; then
		COMPREPLY=($(compgen -W "http://localhost:8030" -- "$cur"))
		return
	fi
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$globals" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi

	local opts="--help --json"
	case $cmd in
	register | login) opts="$opts --password-stdin" ;;
	followers | following) opts="$opts --limit" ;;
	timeline) opts="$opts --limit --before" ;;
	thread) opts="$opts --limit" ;;
	notifications) opts="$opts --unread --limit --keep-unread" ;;
	profile) opts="$opts --name --bio" ;;
	delete-account) opts="$opts --yes" ;;
	help)
		COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		return
		;;
	esac
	case $prev in
	--limit | --before | --name | --bio) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	fi
}

complete -F _chirp chirp
