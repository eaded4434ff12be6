#!/bin/sh
# run.sh BUILD: `make bench`.  Builds aftercare with optimisation in BUILD
# and the tools of bench/ beside it (BUILD/bench), measures aftercared
# against a loopback sink that answers like Twilio, and prints one table on
# stdout (progress goes to stderr).  Only fictional patients; only
# 127.0.0.1; everything in a temporary directory removed on exit.
#
# Timing never fails it: the exit status is 1 only when something is
# broken (a reminder not sent, a tool that did not start).  A step that
# would take too long (a sync, the ingest) is stopped at its cap and
# reported as such.  Knobs, for a quicker look:
#   BENCH_RUNS=3            runs per median
#   BENCH_BURST=10000       reminders in the burst
#   BENCH_SIZES="10000 100000 1000000"
#   BENCH_SYNC_CAP=120      seconds allowed for the first sync at a size
#                           (a size is skipped if the smaller one's sync,
#                           scaled linearly, would take longer)
#   BENCH_INGEST_CAP=60     seconds allowed for the ingest
#   BENCH_IDLE=60           seconds of idle measured
#   BENCH_PICKUP=50         commits per setting in the pick-up test
#   BENCH_LOCK_N=100000     treatments beside the booking writer (0: skip)
#   BENCH_LOCK_IDLE=20      seconds of the idle daemon beside it
#   BENCH_LOCK_LEAD=60      seconds from writing them to their burst
set -eu
build=${1:-build-bench}
cd "$(dirname "$0")/.."

runs=${BENCH_RUNS:-3}
sizes=${BENCH_SIZES:-10000 100000 1000000}
sync_cap=${BENCH_SYNC_CAP:-120}
ingest_cap=${BENCH_INGEST_CAP:-60}
idle_secs=${BENCH_IDLE:-60}
pickups=${BENCH_PICKUP:-50}
burst=${BENCH_BURST:-10000}
sid=AC00000000000000000000000000000000
token=bench-token
started=$(date +%s)
broken=0

say() { echo "bench: $*" >&2; }
broke() { say "BROKEN: $*"; broken=1; }

# --- build -----------------------------------------------------------------
say "building $build (CFLAGS='-O2 -g')"
CFLAGS='-O2 -g' ${MAKE:-make} -s --no-print-directory all BUILD="$build" >&2 ||
	{ say "the build failed"; exit 1; }
tools=$build/bench
mkdir -p "$tools"
# The project's warnings (Makefile), -Werror included.
cflags="-O2 -g -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Wshadow \
-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wcast-qual \
-Wpointer-arith"
tool() {	# tool NAME [PKG...]: compiles bench/NAME.c (a second each)
	name=$1
	shift
	libs=""
	[ $# -gt 0 ] && libs=$(pkg-config --cflags --libs "$@")
	# shellcheck disable=SC2086
	${CC:-cc} $cflags -o "$tools/$name" "bench/$name.c" $libs
}
for t in sink rusage "curlloop libcurl" "gen sqlite3" "pickup sqlite3"; do
	# shellcheck disable=SC2086
	tool $t || { say "the bench tools did not build"; exit 1; }
done
command -v wrk >/dev/null 2>&1 || sh tests/deps.sh wrk >&2 || true

tmp=$(mktemp -d /tmp/aftercare-bench-XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM PIPE

# --- helpers ---------------------------------------------------------------
H=3600
D=86400
# All bench time is fixed and two months ahead, so that a daemon on the
# real clock (idle, ingest) finds nothing due in the same databases.
T0=$(( $(date +%s) / H * H + 60 * D ))
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
# kv KEY FILE: the value of KEY=value in FILE
kv() {
	awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1)
	    { print substr($i, length(k) + 2); exit } }' "$2"
}
metric() { awk -v m="$1" '$1 == m { print $2 }' "$2"; }
median() {
	printf '%s\n' "$@" | sort -g |
	    awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }	# calc FORMAT EXPRESSION
sql() { "$tools/gen" -q "$2" "$tmp/$1.db"; }
count() { sql "$1" "SELECT count(*) FROM reminders${2:+ WHERE $2}"; }
row() {		# row TEST RESULT [NOTES...]
	t=$1
	r=$2
	shift 2
	printf '%s\t%s\t%s\n' "$t" "$r" "$*" >>"$tmp/table"
	say "$t: $r${*:+ ($*)}"
}
gap() { printf '\n' >>"$tmp/table"; }
human() {	# 10000 -> 10k
	case $1 in
	*000000) echo "${1%000000}M" ;;
	*000) echo "${1%000}k" ;;
	*) echo "$1" ;;
	esac
}

sink_start() {	# sink_start NAME [ARG...]: sets sink_pid and sink_port
	name=$1
	shift
	"$tools/sink" -p "$tmp/$name.port" "$@" 2>"$tmp/$name.log" &
	sink_pid=$!
	pids="$pids $sink_pid"
	i=0
	while [ ! -s "$tmp/$name.port" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && { say "the sink did not start"; exit 1; }
		sleep 0.1
	done
	sink_port=$(cat "$tmp/$name.port")
}

printf '%s\n' "$token" >"$tmp/twilio.token"
chmod 600 "$tmp/twilio.token"
conf() {	# conf NAME PORT CONCURRENCY [SMS_LINE]: NAME.conf for NAME.db
	cat >"$tmp/$1.conf" <<EOF
database = "$tmp/$1.db";
metrics_file = "$tmp/$1.prom";
clinic = { name = "Riverside Skin Clinic"; phone = "+1 555 0100"; };
timezone = "UTC";
quiet_hours = { start = "00:00"; end = "00:00"; };
sms = {
  provider = "twilio";
  url = "http://127.0.0.1:$2";
  account_sid = "$sid";
  auth_token_file = "$tmp/twilio.token";
  from = "+15550100";
  ${4:-}
};
delivery = { concurrency = $3; };
EOF
}
init() {
	rm -f "$tmp/$1.db" "$tmp/$1.db-wal" "$tmp/$1.db-shm" "$tmp/$1.prom"
	"$build/aftercarectl" -c "$tmp/$1.conf" init >/dev/null ||
	    { say "aftercarectl init failed"; exit 1; }
}
gen() {		# gen NAME ARG...: adds treatments to NAME.db; prints insert=
	name=$1
	shift
	"$tools/gen" "$@" "$tmp/$name.db"
}
# once NAME NOW [CAP]: aftercared --once --now NOW with NAME.conf, measured
# into NAME.ru, stopped after CAP seconds if given; returns its status.
once() {
	rm -f "$tmp/$1.prom"
	if [ -n "${3:-}" ]; then
		set -- "$1" "$2" timeout -k 5 "$3"
	else
		set -- "$1" "$2"
	fi
	name=$1
	when=$(iso "$2")
	shift 2
	"$tools/rusage" "$tmp/$name.ru" "$@" "$build/aftercared" \
	    -c "$tmp/$name.conf" --once --now "$when" 2>>"$tmp/aftercared.log"
}
# daemon_start NAME: a running aftercared on NAME.conf, its pid in dpid;
# fails unless it completes its first pass (NAME.prom) within 60 s.
daemon_start() {
	rm -f "$tmp/$1.prom"
	"$build/aftercared" -c "$tmp/$1.conf" 2>>"$tmp/aftercared.log" &
	dpid=$!
	pids="$pids $dpid"
	i=0
	while [ ! -e "$tmp/$1.prom" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -e "$tmp/$1.prom" ] && kill -0 $dpid 2>/dev/null
}
# daemon_stop: SIGTERM, then SIGKILL after 15 s
daemon_stop() {
	kill $dpid 2>/dev/null || true
	i=0
	while kill -0 $dpid 2>/dev/null && [ $i -lt 150 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 $dpid 2>/dev/null || true
	wait $dpid 2>/dev/null || true
}
checkpoint() { sql "$1" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null; }

# --- the machine -----------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
cores=$(nproc)
ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
rev=$(git describe --always --dirty 2>/dev/null || echo unknown)
{
	echo "aftercare bench, $(date -u '+%Y-%m-%d %H:%M UTC'), source $rev," \
	    "$build (CFLAGS -O2 -g)"
	echo "machine: ${cpu:-unknown CPU}, $cores cores, $ram RAM," \
	    "$(uname -sr), SQLite $("$tools/gen" -V), libcurl" \
	    "$("$tools/curlloop" -V)"
	echo "medians of $runs runs unless noted; wall times include" \
	    "aftercared's start-up"
	echo
} >"$tmp/head"
printf 'test\tresult\tnotes\n' >"$tmp/table"

sink_start sink -q
port=$sink_port
url="http://127.0.0.1:$port/2010-04-01/Accounts/$sid/Messages.json"

# --- 1. burst --------------------------------------------------------------
say "burst: $burst reminders due at once"
gap
conf burst "$port" 4
init burst
gen burst -n $burst -a $T0 >/dev/null
st=0
once burst $((T0 + H)) "$sync_cap" || st=$?
have=$(count burst "state = 'pending'")
if [ "$st" -ne 0 ] || [ "$have" -ne $((3 * burst)) ]; then
	row "burst: sync of $(human $burst) treatments" ">$sync_cap s" \
	    "stopped with $have of $((3 * burst)) reminders; burst not run"
	burst_ok=no
else
	w=$(kv wall "$tmp/burst.ru")
	row "burst: sync of $(human $burst) new treatments" "$(calc %.2f "$w") s" \
	    "$(calc %.0f "3 * $burst / $w") reminders made/s, peak RSS $(calc \
	    %.1f "$(kv maxrss_kb "$tmp/burst.ru") / 1024") MB"
	burst_ok=yes
	checkpoint burst
	cp "$tmp/burst.db" "$tmp/burst.tmpl"
fi

# burst_run C: one burst at concurrency C; sets b_rate, b_cpu, b_rss
burst_run() {
	cp "$tmp/burst.tmpl" "$tmp/run.db"
	rm -f "$tmp/run.db-wal" "$tmp/run.db-shm"
	conf run "$port" "$1"
	st=0
	once run $((T0 + D + 60)) || st=$?
	sent=$(count run "state = 'sent'")
	[ "$st" -eq 0 ] && [ "$sent" -eq $burst ] ||
	    broke "burst at concurrency $1: exit $st, $sent of $burst sent"
	w=$(kv wall "$tmp/run.ru")
	b_rate=$(calc %.0f "$burst / $w")
	b_cpu=$(calc %.3f "($(kv user "$tmp/run.ru") + $(kv sys \
	    "$tmp/run.ru")) * 1000 / $burst")
	b_rss=$(calc %.1f "$(kv maxrss_kb "$tmp/run.ru") / 1024")
}

best=4
if [ "$burst_ok" = yes ]; then
	def=$(sed -n 's/^[[:space:]]*concurrency = \([0-9]*\);.*/\1/p' \
	    etc/aftercare.conf | head -n 1)
	def=${def:-4}
	best_rate=0
	sweep=$(printf '%s\n' "$def" 8 16 32 | sort -n -u)
	for c in $sweep; do
		say "burst: concurrency $c"
		burst_run "$c"
		eval "rate_$c=$b_rate cpu_$c=$b_cpu rss_$c=$b_rss"
		if [ "$b_rate" -gt "$best_rate" ]; then
			best=$c
			best_rate=$b_rate
		fi
	done
	rates=$(eval echo "\$rate_$best")
	cpus=$(eval echo "\$cpu_$best")
	rsss=$(eval echo "\$rss_$best")
	i=1
	while [ $i -lt "$runs" ]; do
		say "burst: concurrency $best, run $((i + 1))"
		burst_run "$best"
		rates="$rates $b_rate"
		cpus="$cpus $b_cpu"
		rsss="$rsss $b_rss"
		i=$((i + 1))
	done
	a_rate=$(median $rates)
	for c in $sweep; do
		note=""
		[ "$c" -eq "$def" ] && note="the default; "
		if [ "$c" -eq "$best" ]; then
			row "burst: aftercared --once, concurrency $c" \
			    "$a_rate/s" "${note}the best: median of $runs"
		else
			row "burst: aftercared --once, concurrency $c" \
			    "$(eval echo "\$rate_$c")/s" "${note}1 run;" \
			    "$(eval echo "\$cpu_$c") CPU s per 1,000; peak RSS" \
			    "$(eval echo "\$rss_$c") MB"
		fi
	done
	row "burst: CPU per 1,000 reminders (c=$best)" "$(median $cpus) s" \
	    "user + sys"
	row "burst: peak RSS (c=$best)" "$(median $rsss) MB"

	# The references, against the same sink.
	rates=""
	cpus=""
	i=0
	while [ $i -lt "$runs" ]; do
		"$tools/rusage" "$tmp/cl.ru" "$tools/curlloop" -u "$url" \
		    -n $burst -c "$best" -a "$sid:$token" >"$tmp/cl.out" ||
		    broke "curlloop failed"
		rates="$rates $(calc %.0f "$(kv rate "$tmp/cl.out")")"
		cpus="$cpus $(calc %.3f "($(kv user "$tmp/cl.ru") + $(kv sys \
		    "$tmp/cl.ru")) * 1000 / $burst")"
		i=$((i + 1))
	done
	c_rate=$(median $rates)
	row "burst: curlloop (bare libcurl multi), concurrency $best" \
	    "$c_rate/s" "same bodies, headers and sink; $(median \
	    $cpus) CPU s per 1,000"
	if command -v wrk >/dev/null 2>&1; then
		body=$("$tools/curlloop" -b)
		auth=$(printf '%s:%s' "$sid" "$token" | base64 | tr -d '\n')
		cat >"$tmp/post.lua" <<EOF
wrk.method = "POST"
wrk.body = "$body"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Basic $auth"
EOF
		threads=$(( cores / 2 ))
		[ $threads -lt 1 ] && threads=1
		[ $threads -gt "$best" ] && threads=$best
		rates=""
		i=0
		while [ $i -lt "$runs" ]; do
			wrk -t "$threads" -c "$best" -d 3s -s "$tmp/post.lua" \
			    "$url" >"$tmp/wrk.out" 2>&1 || broke "wrk failed"
			r=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' \
			    "$tmp/wrk.out")
			rates="$rates ${r:-0}"
			i=$((i + 1))
		done
		w_rate=$(median $rates)
		row "burst: wrk, $best connections, $threads thread(s)" \
		    "$w_rate/s" "the sink's ceiling; runs of 3 s"
	else
		w_rate=""
		row "burst: wrk" "not available"
	fi
	row "burst: aftercared / curlloop" \
	    "$(calc %.2f "$a_rate / $c_rate")" "target >= 0.80"
	[ -n "$w_rate" ] && row "burst: aftercared / wrk" \
	    "$(calc %.3f "$a_rate / $w_rate")"
	rm -f "$tmp/run.db"* "$tmp/burst.tmpl"
fi
rm -f "$tmp/burst.db"*

# --- 2. scale --------------------------------------------------------------
# At each size: 100 treatments at T0, T0+1h and T0+2h (three "100 due"
# passes, an hour apart) and the rest spread over two to thirty days
# later, so that at T0+23h nothing is due.
gap
first=""
last=""
last_sync=0
skip=""
for n in $sizes; do
	hn=$(human "$n")
	if [ -z "$skip" ] && [ -n "$last" ] && [ "$(calc %.0f \
	    "$last_sync * $n / $last")" -gt "$sync_cap" ]; then
		skip="the $(human "$last") sync took $(calc %.1f "$last_sync") s:"
		skip="$skip $hn would take $(calc %.0f "$last_sync * $n / \
		    $last") s or more (cap $sync_cap s)"
	fi
	if [ -n "$skip" ]; then
		row "scale $hn" "not run" "$skip"
		continue
	fi
	say "scale: $hn treatments"
	conf scale "$port" "$best"
	init scale
	ins=0
	for spec in "100 $T0 0" "100 $((T0 + H)) 0" "100 $((T0 + 2 * H)) 0" \
	    "$((n - 300)) $((T0 + 2 * D)) $((28 * D))"; do
		set -- $spec
		g=$(gen scale -n "$1" -a "$2" -s "$3")
		ins=$(calc %.6f "$ins + ${g#insert=}")
	done
	row "scale $hn: generate (booking side, 1 transaction)" \
	    "$(calc %.2f "$ins") s" "$n patients and treatments"
	st=0
	once scale $((T0 + H)) "$sync_cap" || st=$?
	have=$(count scale)
	if [ "$st" -ne 0 ] || [ "$have" -ne $((3 * n)) ]; then
		row "scale $hn: first sync (ingest at scale)" ">$sync_cap s" \
		    "stopped with $have of $((3 * n)) reminders made"
		row "scale $hn: passes" "not run" "no complete sync"
		skip="$hn did not sync within $sync_cap s"
		rm -f "$tmp/scale.db"*
		continue
	fi
	w=$(kv wall "$tmp/scale.ru")
	last_sync=$w
	row "scale $hn: first sync (ingest at scale)" "$(calc %.2f "$w") s" \
	    "$(calc %.0f "3 * $n / $w") reminders made/s; pass $(calc %.2f \
	    "$(metric aftercare_pass_duration_seconds "$tmp/scale.prom")") s;\
 peak RSS $(calc %.1f "$(kv maxrss_kb "$tmp/scale.ru") / 1024") MB"

	# nothing due, then 100 due, each $runs times
	for kind in none due; do
		passes=""
		walls=""
		rss=""
		i=0
		while [ $i -lt "$runs" ]; do
			if [ $kind = none ]; then
				at=$((T0 + 23 * H))
			else
				at=$((T0 + 24 * H + i * H + 60))
			fi
			st=0
			once scale "$at" || st=$?
			[ "$st" -eq 0 ] || broke "scale $hn: exit $st"
			if [ $kind = due ]; then
				sent=$(count scale "state = 'sent'")
				[ "$sent" -eq $((100 * (i + 1))) ] ||
				    broke "scale $hn: $sent sent, not" \
				    "$((100 * (i + 1)))"
			fi
			p=$(metric aftercare_pass_duration_seconds \
			    "$tmp/scale.prom")
			passes="$passes ${p:-0}"
			walls="$walls $(kv wall "$tmp/scale.ru")"
			rss="$rss $(kv maxrss_kb "$tmp/scale.ru")"
			i=$((i + 1))
		done
		p=$(median $passes)
		eval "pass_${kind}_$n=$p"
		if [ $kind = none ]; then
			what="pass finding nothing due"
		else
			what="pass claiming and sending 100"
		fi
		row "scale $hn: $what" "$(calc %.2f "$p * 1000") ms" \
		    "pass (metrics); --once wall $(calc %.0f "$(median \
		    $walls) * 1000") ms; peak RSS $(calc %.1f "$(median \
		    $rss) / 1024") MB"
	done
	[ -z "$first" ] && first=$n
	last=$n
	# The first size's database, synced and quiet, serves idle and ingest.
	if [ ! -e "$tmp/idle.db" ]; then
		checkpoint scale
		mv "$tmp/scale.db" "$tmp/idle.db"
	fi
	rm -f "$tmp/scale.db"*
done
if [ -n "$first" ] && [ "$last" != "$first" ]; then
	for kind in none due; do
		a=$(eval echo "\$pass_${kind}_$last")
		b=$(eval echo "\$pass_${kind}_$first")
		row "scale: $(human "$last")/$(human "$first"), $([ $kind = none ] &&
		    echo "nothing due" || echo "100 due")" \
		    "$(calc %.2f "$a / $b")" "pass time ratio; target <= 2"
	done
fi

# --- 3. idle, 4. ingest ----------------------------------------------------
# cputime PID: milliseconds on CPU over all its threads
cputime() {
	if [ -r "/proc/$1/sched" ]; then
		cat /proc/"$1"/task/*/sched 2>/dev/null |
		    awk '/^se.sum_exec_runtime/ { t += $3 } END { printf "%.3f", t }'
	else
		awk -v hz="$(getconf CLK_TCK)" \
		    '{ printf "%.3f", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"
	fi
}
switches() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
	    awk '/^voluntary_ctxt_switches/ { n += $2 } END { print n + 0 }'
}
gap
if [ -e "$tmp/idle.db" ]; then
	say "idle: ${idle_secs} s"
	conf idle "$port" "$best"
	if ! daemon_start idle; then
		broke "the daemon did not complete a pass in 60 s"
	else
		sleep 1
		c0=$(cputime $dpid)
		s0=$(switches $dpid)
		sleep "$idle_secs"
		c1=$(cputime $dpid)
		s1=$(switches $dpid)
		row "idle: CPU per minute" \
		    "$(calc %.1f "($c1 - $c0) * 60 / $idle_secs") ms" \
		    "daemon on $(human "$first") treatments, nothing due;" \
		    "target <= 10"
		row "idle: wakeups per minute" \
		    "$(calc %.0f "($s1 - $s0) * 60 / $idle_secs")" \
		    "voluntary context switches; target <= 12"

		say "ingest: 100k treatments while the daemon runs"
		before=$(count idle)
		st=0
		gen idle -n 100000 -a $((T0 + 2 * D)) -s $((28 * D)) \
		    -w $((before + 300000)) -t "$ingest_cap" >"$tmp/ingest.out" ||
		    st=$?
		ins=$(kv insert "$tmp/ingest.out")
		wt=$(kv wait "$tmp/ingest.out")
		row "ingest: 100k treatments, 1 transaction (booking side)" \
		    "$(calc %.2f "$ins") s" "insert and commit"
		if [ "$st" -eq 0 ]; then
			row "ingest: until all 300k reminders exist" \
			    "$(calc %.2f "$wt") s" "after the commit; polled" \
			    "every 50 ms"
		elif [ "$st" -eq 3 ]; then
			row "ingest: until all 300k reminders exist" \
			    ">$ingest_cap s" "$(( $(kv have "$tmp/ingest.out") \
			    - before )) of 300000 made by then"
		else
			broke "ingest: gen failed"
		fi
	fi
	daemon_stop
else
	row "idle, ingest" "not run" "no synced database"
fi
rm -f "$tmp/idle.db"*

# --- 4b. pick-up ------------------------------------------------------------
# A running daemon on 10k future treatments; the booking software commits
# one treatment due now at a time, with SQLite's default synchronous =
# FULL and with NORMAL, on a connection it keeps open.
gap
say "pick-up: $pickups commits per synchronous setting"
conf pickup "$port" "$best"
init pickup
gen pickup -n 10000 -a $((T0 + 2 * D)) >/dev/null
if ! daemon_start pickup; then
	broke "pick-up: the daemon did not complete a pass in 60 s"
else
	for s in FULL NORMAL; do
		if ! "$tools/pickup" -s $s -n "$pickups" "$tmp/pickup.db" \
		    >"$tmp/pickup.out"; then
			broke "pick-up: the writer failed"
			continue
		fi
		row "pick-up: synchronous = $s, median" \
		    "$(kv median_ms "$tmp/pickup.out") ms" \
		    "commit to reminder sent, $pickups commits"
		row "pick-up: synchronous = $s, worst" \
		    "$(kv worst_ms "$tmp/pickup.out") ms" \
		    "$(kv missed "$tmp/pickup.out") not sent within 70 s;" \
		    "target < 2000 ms"
	done
fi
daemon_stop
rm -f "$tmp/pickup.db"*

# --- 5. rate limit ---------------------------------------------------------
gap
conf rate "$port" "$best" "rate_limit = 50;"
conf norate "$port" "$best"
if ! "$build/aftercared" --check-config -c "$tmp/rate.conf" >/dev/null 2>&1; then
	if "$build/aftercared" --check-config -c "$tmp/norate.conf" \
	    >/dev/null 2>&1; then
		row "rate limit" "not supported by this build" \
		    "sms.rate_limit refused"
	else
		broke "the configuration is refused"
	fi
else
	say "rate limit: 2,000 reminders at 50/s"
	sink_start ratesink -t "$tmp/rate.times"
	rsink=$sink_pid
	conf rate "$sink_port" "$best" "rate_limit = 50;"
	init rate
	gen rate -n 2000 -a $T0 >/dev/null
	st=0
	once rate $((T0 + H)) "$sync_cap" || st=$?
	[ "$st" -eq 0 ] || broke "rate limit: sync exit $st"
	st=0
	once rate $((T0 + D + 60)) || st=$?
	sent=$(count rate "state = 'sent'")
	[ "$st" -eq 0 ] && [ "$sent" -eq 2000 ] ||
	    broke "rate limit: exit $st, $sent of 2000 sent"
	kill -TERM "$rsink"
	wait "$rsink" 2>/dev/null || true
	# average over the run, and the most arrivals in any 1 s window
	sort -n "$tmp/rate.times" | awk '{ t[NR] = $1 }
	    END {
		j = 1
		for (i = 1; i <= NR; i++) {
			while (t[i] - t[j] >= 1000000)
				j++
			if (i - j + 1 > w)
				w = i - j + 1
		}
		d = NR > 1 ? (t[NR] - t[1]) / 1e6 : 0
		printf "n=%d secs=%.3f rate=%.2f worst=%d\n", NR, d,
		    (d > 0 ? (NR - 1) / d : 0), w
	    }' >"$tmp/rate.out"
	row "rate limit 50/s: achieved average" \
	    "$(kv rate "$tmp/rate.out")/s" "$(kv n "$tmp/rate.out") requests" \
	    "in $(kv secs "$tmp/rate.out") s; target 49-51"
	row "rate limit 50/s: worst 1-second window" \
	    "$(kv worst "$tmp/rate.out")" "sliding; target <= 50"
fi

# --- 6. the booking software beside aftercared ----------------------------
# A booking writer (bench/booking.c: one small insert or update per
# commit, a commit every 10 ms, busy timeout 5 s) runs throughout, while
# a daemon on the real clock syncs N new treatments (two milestones: 24h,
# 1w), idles, sends a burst of N due reminders (the treatments are dated so
# that their 24h milestone falls due BENCH_LOCK_LEAD s after they were
# written), then takes a third milestone (SIGHUP) and looks at every
# treatment again.  Each phase: the writer's worst commit, p99, errors.
lock_n=${BENCH_LOCK_N:-100000}
lock_idle=${BENCH_LOCK_IDLE:-20}
lock_lead=${BENCH_LOCK_LEAD:-60}
us() { echo $(( $(date +%s%N) / 1000 )); }
lock_conf() {	# lock_conf [MILESTONE]: lock.conf, two milestones (+ one)
	cat >"$tmp/lock.conf" <<EOF
database = "$tmp/lock.db";
clinic = { name = "Riverside Skin Clinic"; phone = "+1 555 0100"; };
timezone = "UTC";
quiet_hours = { start = "00:00"; end = "00:00"; };
sms = {
  provider = "twilio";
  url = "http://127.0.0.1:$port";
  account_sid = "$sid";
  auth_token_file = "$tmp/twilio.token";
  from = "+15550100";
};
milestones = (
  { name = "24h"; after = "24h"; template = "day1"; },
  { name = "1w"; after = "7d"; template = "week1"; }${1:+,
  $1}
);
EOF
}
# lock_row PHASE FROM TO: the writer's commits that ended in [FROM, TO)
lock_row() {
	"$tools/booking" -s "$2" "$3" "$tmp/booking.log" >"$tmp/lock.out"
	row "booking writer: $1" "$(kv worst_ms "$tmp/lock.out") ms" \
	    "worst commit; p99 $(kv p99_ms "$tmp/lock.out") ms," \
	    "$(kv errors "$tmp/lock.out") errors, $(kv commits \
	    "$tmp/lock.out") commits in $(calc %.1f "($3 - $2) / 1e6") s;" \
	    "target < 250 ms, 0 errors"
}
# lock_wait SQL VALUE CAP: until SQL (a count) reaches VALUE; 1 after CAP s
lock_wait() {
	t=$(( $(date +%s) + $3 ))
	while [ "$(sql lock "$1")" -lt "$2" ]; do
		[ "$(date +%s)" -ge $t ] && return 1
		sleep 0.2
	done
	return 0
}
gap
if [ "$lock_n" -gt 0 ] && tool booking sqlite3; then
	say "booking writer: $(human "$lock_n") treatments"
	lock_conf
	init lock
	tb=$(( $(date +%s) + lock_lead ))
	gen lock -n "$lock_n" -a $((tb - D)) >/dev/null
	"$tools/booking" -p 10 "$tmp/lock.db" >"$tmp/booking.log" &
	bpid=$!
	pids="$pids $bpid"
	sleep 1
	"$build/aftercared" -c "$tmp/lock.conf" 2>>"$tmp/aftercared.log" &
	dpid=$!
	pids="$pids $dpid"
	t0=$(us)
	if lock_wait "SELECT coalesce(sum(n), 0) FROM reminder_counts" \
	    $((2 * lock_n)) $((tb - $(date +%s))) &&
	    lock_wait "SELECT -count(*) FROM treatment_changes" 0 \
	    $((tb - $(date +%s))); then
		t1=$(us)
		lock_row "sync of $(human "$lock_n") new treatments" $t0 $t1
		left=$(( tb - $(date +%s) - 1 ))
		[ $left -gt "$lock_idle" ] && left=$lock_idle
		if [ $left -ge 5 ]; then
			t2=$(us)
			sleep $left
			lock_row "idle daemon on $(human "$lock_n")" $t2 $(us)
		else
			row "booking writer: idle daemon" "not run" "the sync" \
			    "ended $((left + 1)) s before the burst;" \
			    "raise BENCH_LOCK_LEAD"
		fi
	else
		row "booking writer: sync of $(human "$lock_n")" \
		    ">$lock_lead s" "not done when the burst fell due;" \
		    "raise BENCH_LOCK_LEAD"
	fi
	while [ "$(date +%s)" -lt $tb ]; do sleep 0.1; done
	t3=$(us)
	if lock_wait "SELECT n FROM reminder_counts WHERE state = 'sent'" \
	    "$lock_n" 600; then
		t4=$(us)
		lock_row "burst of $(human "$lock_n") due" $t3 $t4
		row "burst beside the booking writer" "$(calc %.0f \
		    "$lock_n * 1e6 / ($t4 - $t3)")/s" "the daemon, default" \
		    "concurrency"
	else
		broke "booking writer: the burst was not sent in 600 s"
	fi
	lock_conf '{ name = "2w"; after = "14d"; template = "week2"; }'
	sleep 1
	t5=$(us)
	kill -HUP $dpid
	if lock_wait "SELECT coalesce(sum(n), 0) FROM reminder_counts" \
	    $((3 * lock_n)) 600; then
		lock_row "re-plan of $(human "$lock_n") (SIGHUP)" $t5 $(us)
	else
		broke "booking writer: the re-plan was not done in 600 s"
	fi
	daemon_stop
	kill $bpid 2>/dev/null || true
	wait $bpid 2>/dev/null || true
	rm -f "$tmp/lock.db"* "$tmp/booking.log"
else
	row "booking writer" "not run" "BENCH_LOCK_N=0, or bench/booking.c" \
	    "did not build"
fi

# --- the table -------------------------------------------------------------
elapsed=$(( $(date +%s) - started ))
cat "$tmp/head"
awk -F'\t' '
	{ line[NR] = $0; n[NR] = NF
	  for (i = 1; i <= NF; i++) {
		c[NR, i] = $i
		if (length($i) > w[i]) w[i] = length($i)
	  } }
	END {
		fmt = "%-" w[1] "s  %" w[2] "s  %s\n"
		for (r = 1; r <= NR; r++)
			if (n[r] < 3)
				print ""
			else
				printf fmt, c[r, 1], c[r, 2], c[r, 3]
	}' "$tmp/table"
echo
echo "total time: $((elapsed / 60)) min $((elapsed % 60)) s"
[ $broken -eq 0 ] || echo "SOMETHING IS BROKEN: see the BROKEN lines above" >&2
exit $broken
