#!/usr/bin/env bash
# Command 1: set up everything and run web + Celery worker + Celery beat (embedded default:
# SQLite and a filesystem broker), the document converter (unoserver), and in the embedded
# set-up a signing PKI of its own and the ISDS simulator. Ctrl-C stops all. Safe to run again.
source "$(dirname "$0")/bootstrap.sh"
HOST="${OSV_HOST:-127.0.0.1}"
PORT="${OSV_PORT:-8000}"
export OSV_BASE_URL="${OSV_BASE_URL:-http://$HOST:$PORT}"
# people use this server: Czech error pages (templates/404.html, 500.html), never Django's debug page
export DEBUG="${DEBUG:-0}"

python manage.py migrate --noinput -v0
python manage.py collectstatic --noinput -v0
python manage.py load_acts
# the demo's history was delivered by hand: no PDF/A, signature or data box for it
OSV_DISPATCH_ENABLED=0 python manage.py setup_demo

pids=()
VAR="${OSV_VAR_DIR:-$ROOT/var}"
free_port() { python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

stop() {
    trap - INT TERM EXIT
    echo; echo "» Zastavuji web, worker a beat…"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    echo "» Zastaveno."
}
trap stop INT TERM EXIT

# --- acts leaving the office (docs/dispatch.md): converter, signing PKI, ISDS --------------------
if [ "${OSV_DISPATCH_ENABLED:-1}" != "0" ]; then
    if [ -z "${OSV_CONVERTER_URL:-}" ] && command -v soffice >/dev/null; then
        CONVERTER_PORT="$(free_port)"
        python -m workflows.converter serve --port "$CONVERTER_PORT" &
        pids+=($!)
        export OSV_CONVERTER_URL="http://127.0.0.1:$CONVERTER_PORT"
    elif ! command -v soffice >/dev/null; then
        echo "!! LibreOffice chybí, akty se nepřevedou do PDF/A: apt-get install -y libreoffice-writer-nogui python3-uno"
    fi
    if [ -z "${OSV_TSA_URL:-}" ]; then  # embedded: a PKI of its own (never for production)
        PKI_PORT="$(free_port)"
        python -m workflows.signing_pki build --dir "$VAR/pki" --port "$PKI_PORT" \
            --signers seal,referent,referent2,vedouci,zastupce >/dev/null
        python -m workflows.signing_pki serve --dir "$VAR/pki" &
        pids+=($!)
        export OSV_TSA_URL="http://127.0.0.1:$PKI_PORT/osv/tsa/tsa" OSV_SIGNING_BACKEND=pkcs12
        export OSV_SIGNING_PKCS12_DIR="$VAR/pki/p12" OSV_SIGNING_PKCS12_PASSWORD=osv-pki-demo
        export OSV_SIGNING_TRUST_ROOTS="$VAR/pki/root.pem"
    fi
    if [ -z "${OSV_ISDS_URL:-}" ]; then  # embedded: the ISDS simulator, never the real ISDS
        rm -f "$VAR/isds-sim.port"
        python -m workflows.dispatch.simulator --port 0 --port-file "$VAR/isds-sim.port" --any-box \
            --store "$VAR/isds-sim.sqlite3" --username osv --password osv-simulator &
        pids+=($!)
        for _ in $(seq 50); do [ -s "$VAR/isds-sim.port" ] && break; sleep 0.1; done
        export OSV_ISDS_URL="http://127.0.0.1:$(cat "$VAR/isds-sim.port")/DS" OSV_ISDS_USERNAME=osv \
            OSV_ISDS_PASSWORD=osv-simulator
    fi
fi

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
 Akty: PDF/A (LibreOffice), podpis (testovací PKI), datová schránka: ${OSV_ISDS_URL:-vypnuto}
   hodiny simulátoru ISDS: POST ${OSV_ISDS_URL%/DS}/sim/login {"dbID": "…"}, /sim/clock {"advance_days": 10}
 Ukončení: Ctrl-C
================================================================
MSG
wait -n "${pids[@]}"
