#!/usr/bin/env bash
# Command 1: set up everything and run web + Celery worker + Celery beat (embedded default:
# SQLite and a filesystem broker). Ctrl-C stops all three. Safe to run again.
source "$(dirname "$0")/bootstrap.sh"
HOST="${OSV_HOST:-127.0.0.1}"
PORT="${OSV_PORT:-8000}"
export OSV_BASE_URL="${OSV_BASE_URL:-http://$HOST:$PORT}"

python manage.py migrate --noinput -v0
python manage.py collectstatic --noinput -v0
python manage.py load_acts
python manage.py setup_demo

pids=()
stop() {
    trap - INT TERM EXIT
    echo; echo "» Zastavuji web, worker a beat…"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    echo "» Zastaveno."
}
trap stop INT TERM EXIT

celery -A config worker --loglevel=INFO --concurrency=2 --hostname="osv@%h" &
pids+=($!)
celery -A config beat --loglevel=INFO --schedule="${OSV_VAR_DIR:-var}/celerybeat-schedule" &
pids+=($!)
gunicorn config.wsgi:application --bind "$HOST:$PORT" --workers 2 --threads 4 --access-logfile - &
pids+=($!)

sleep 2
cat <<MSG

================================================================
 osv-agenda běží:  http://$HOST:$PORT/
 Přihlášení (heslo u všech: demo-heslo-2026):
   referent, referent2 (referent registrací), planovac (plánovač),
   koordinator (koordinátor pro romské záležitosti), vedouci (vedoucí odboru),
   zastupce (zástupce vedoucího), portal (API), spravce (správce), ctenar (čtenář)
 Ukončení: Ctrl-C
================================================================
MSG
wait -n "${pids[@]}"
