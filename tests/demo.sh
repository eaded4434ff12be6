#!/bin/sh
# demo.sh BUILD: shows aftercared doing its job on a scratch SQLite database
# against the loopback test gateway, then a patient's reply coming back
# through aftercare-inbound (on a unix socket) and reaching the clinic by
# email.  Only fictional patients; only 127.0.0.1 and a socket in a
# scratch directory.
set -eu
build=${1:-build}
dir=$(mktemp -d /tmp/aftercare-demo-XXXXXX)
gw_pid=""
in_pid=""
cleanup() {
	[ -n "$in_pid" ] && kill "$in_pid" 2>/dev/null && wait "$in_pid" 2>/dev/null
	[ -n "$gw_pid" ] && kill "$gw_pid" 2>/dev/null && wait "$gw_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

"$build/test-gateway" -p "$dir/port" -l "$dir/requests.log" -m \
    >"$dir/messages.txt" &
gw_pid=$!
i=0
while [ ! -s "$dir/port" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "demo: the test gateway did not start" >&2; exit 1; }
	sleep 0.1
done
port=$(cat "$dir/port")

# Time zones where it is about noon, and about 03:00, right now: the demo
# shows a reminder held back by quiet hours (20:00-09:00 where the patient
# lives) whatever the time of day it runs.  Named zones without DST, one
# for each offset from UTC-11 to UTC+12 (not Etc/GMT+N, whose POSIX sign
# reads the wrong way round: Etc/GMT+4 is UTC-4).
zones="Pacific/Pago_Pago Pacific/Honolulu Pacific/Gambier Pacific/Pitcairn
America/Phoenix America/Regina America/Bogota America/La_Paz
America/Argentina/Buenos_Aires America/Noronha Atlantic/Cape_Verde
Africa/Abidjan Africa/Lagos Africa/Johannesburg Africa/Nairobi Asia/Dubai
Asia/Karachi Asia/Dhaka Asia/Bangkok Asia/Singapore Asia/Tokyo
Australia/Brisbane Pacific/Guadalcanal Pacific/Tarawa"
zone_at() {	# zone_at HOUR: a zone of $zones whose local time is about HOUR
	off=$(( ($1 - $(date -u +%-H) + 35) % 24 - 11 ))
	# shellcheck disable=SC2086
	set -- $zones
	shift $((off + 11))
	echo "$1"
}
day=$(zone_at 12)
night=$(zone_at 3)

printf 'demo-token\n' >"$dir/twilio.token"
printf 'demo-key\n' >"$dir/sendgrid.key"
chmod 600 "$dir/twilio.token" "$dir/sendgrid.key"
cat >"$dir/aftercare.conf" <<CONF
database = "aftercare.db";
clinic = { name = "Riverside Skin Clinic"; phone = "+1 555 0100"; };
timezone = "$day";
quiet_hours = { start = "20:00"; end = "09:00"; };
sms = {
  provider = "twilio";
  url = "http://127.0.0.1:$port";
  account_sid = "AC00000000000000000000000000000000";
  auth_token_file = "twilio.token";
  from = "+15550100";
};
email = {
  provider = "sendgrid";
  url = "http://127.0.0.1:$port";
  api_key_file = "sendgrid.key";
  from = "care@riverside.example.com";
};
CONF

ago() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
ctl() { "$build/aftercarectl" -c "$dir/aftercare.conf" "$@"; }

echo "== aftercarectl init"
ctl init
echo
echo "== fictional patients, treated 1, 7 and 14 days ago, where it is day now ($day)"
p=$(ctl patient add --name "Maria Example" --phone "+1 555 010 0101")
t=$(ctl treatment add --patient "$p" --at "$(ago '1 day ago 1 hour ago')")
echo "patient $p (Maria), treatment $t, 1 day ago"
p=$(ctl patient add --name "Jordan Sample" --phone "+1 (555) 010-0102" --tz America/New_York)
t=$(ctl treatment add --patient "$p" --at "$(ago '7 days ago 1 hour ago')")
echo "patient $p (Jordan), treatment $t, 7 days ago: the 1 week text is due;" \
    "the 24 h one is past its window (3 days after it was due) and expires"
p=$(ctl patient add --name "Zoë Placeholder" --phone "+15550100103")
t=$(ctl treatment add --patient "$p" --at "$(ago '14 days ago 1 hour ago')")
echo "patient $p (Zoë), treatment $t, 14 days ago: the 2 weeks text is due;" \
    "the 24 h and 1 week ones are long past their window and expire"
p=$(ctl patient add --name "Nia Nightowl" --phone "+15550100105" --tz "$night")
t=$(ctl treatment add --patient "$p" --at "$(ago '1 day ago 1 hour ago')")
echo "patient $p (Nia), treatment $t, 1 day ago, lives in $night where it is" \
    "$(TZ=$night date +%H:%M) now: her reminder waits for 09:00 there"
p=$(ctl patient add --name "Ana Example" --email "ana@example.com")
t=$(ctl treatment add --patient "$p" --at "$(ago '1 day ago 3 hours ago')")
echo "patient $p (Ana), treatment $t, 1 day ago, no phone: gets an email"
p=$(ctl patient add --name "Sam Cancelled" --phone "+15550100104")
t=$(ctl treatment add --patient "$p" --at "$(ago '1 day ago 2 hours ago')")
ctl treatment cancel "$t" >/dev/null
echo "patient $p (Sam), treatment $t, 1 day ago, cancelled: gets nothing"
echo
echo "== aftercared --once (log on stderr)"
"$build/aftercared" -c "$dir/aftercare.conf" --once
echo
echo "== what the gateways received (SMS and email)"
cat "$dir/messages.txt"
echo
echo "== aftercarectl reminders (the 3 expired: Jordan's 24 h text, Zoë's" \
    "24 h and 1 week texts, too late to be worth sending)"
ctl reminders
echo
echo "== aftercarectl patient list (how each is reached; never a number or" \
    "an address)"
ctl patient list
echo
echo "== aftercarectl status"
ctl status
echo

# The receiver, as the clinic runs it behind its TLS reverse proxy: the
# providers are given the public URL, and it listens here.
cat >>"$dir/aftercare.conf" <<CONF
inbound = {
  listen = "unix:$dir/inbound.sock";
  public_url = "https://riverside.example.com/aftercare";
  escalate_to = [ "nurse@riverside.example.com" ];
};
CONF
echo "== aftercare-inbound (log on stderr)"
"$build/aftercare-inbound" -c "$dir/aftercare.conf" &
in_pid=$!
i=0
while [ ! -S "$dir/inbound.sock" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "demo: aftercare-inbound did not start" >&2; exit 1; }
	sleep 0.1
done

# twilio_sms SID FROM TEXT: a patient's SMS as Twilio posts it, signed as
# Twilio signs it: HMAC-SHA1 under the Auth Token of the public URL, then
# each parameter, sorted by name, name and value.
twilio_sms() {
	url="https://riverside.example.com/aftercare/twilio/sms"
	sig=$(printf '%s' "${url}AccountSidAC00000000000000000000000000000000Body$3From$2MessageSid$1NumMedia0To+15550100" |
	    openssl dgst -sha1 -hmac "demo-token" -binary | openssl base64 -A)
	curl -sS --unix-socket "$dir/inbound.sock" \
	    -H "X-Twilio-Signature: $sig" \
	    --data-urlencode "AccountSid=AC00000000000000000000000000000000" \
	    --data-urlencode "Body=$3" --data-urlencode "From=$2" \
	    --data-urlencode "MessageSid=$1" --data-urlencode "NumMedia=0" \
	    --data-urlencode "To=+15550100" \
	    http://localhost/aftercare/twilio/sms
	echo
}
sent=$(wc -l <"$dir/messages.txt")
echo
echo "== Maria answers her 24 h text: \"it's still swollen\" (Twilio's" \
    "webhook; the answer is TwiML)"
twilio_sms SM0000000000000000000000000000d001 "+15550100101" "it's still swollen"
echo
echo "== aftercared --once: the reply goes to the clinic by email"
"$build/aftercared" -c "$dir/aftercare.conf" --once
echo
echo "== what the clinic's mailbox received"
tail -n +$((sent + 1)) "$dir/messages.txt"
echo "== aftercarectl replies"
ctl replies
